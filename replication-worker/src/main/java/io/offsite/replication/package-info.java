/**
 * The replication worker: upserts the tables of configured SQLite sources into PostgreSQL; its Spring Boot
 * application class.
 */
package io.offsite.replication;
