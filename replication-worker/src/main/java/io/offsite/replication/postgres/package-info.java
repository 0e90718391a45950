/**
 * The PostgreSQL target: verified connections with per-run timeouts, cancelled on interrupt and kept between runs,
 * its catalog, error classification, the watermark store, and the table writer with its target comparison, upserts,
 * batch and row retries and deletion propagation.
 */
package io.offsite.replication.postgres;
