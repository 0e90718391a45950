/**
 * Why a replication cannot go on: ReplicationException and its kinds, each retryable or not, shared by the SQLite
 * and PostgreSQL sides.
 */
package io.offsite.replication.failure;
