/**
 * One replication run: the Replicator joins the SQLite source and the PostgreSQL target table by table in one
 * transaction, with its settings, mode, listener, failures log and reports.
 */
package io.offsite.replication.run;
