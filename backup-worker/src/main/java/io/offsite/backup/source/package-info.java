/**
 * The sources a backup is taken of, each giving a consistent snapshot: SQLite files (backup API into a temp file) and
 * PostgreSQL databases ({@code pg_dump}).
 */
package io.offsite.backup.source;
