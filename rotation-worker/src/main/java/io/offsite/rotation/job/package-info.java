/**
 * The rotation job: lists a series, plans with its retention policy, deletes what the plan drops (backups, then their
 * sidecars) and reports every key the store did not delete.
 */
package io.offsite.rotation.job;
