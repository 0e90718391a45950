/**
 * Restoring a backup over a SQLite file or into a PostgreSQL database ({@link io.offsite.backup.restore.Restorer}): nothing
 * is touched until the backup was read back and checked, and the current database is kept as a safety copy.
 */
package io.offsite.backup.restore;
