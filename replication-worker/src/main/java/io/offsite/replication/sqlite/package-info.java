/**
 * Reading the SQLite source: read-only snapshots inside one read transaction (connections kept between runs), and
 * the reader thread that encodes a table's rows, or an incremental run's changed rows, as COPY text.
 */
package io.offsite.replication.sqlite;
