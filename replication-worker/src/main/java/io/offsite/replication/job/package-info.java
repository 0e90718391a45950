/**
 * The Spring adapter: runs REPLICATION requests through the run package and turns its report into the job's outcome
 * and metrics.
 */
package io.offsite.replication.job;
