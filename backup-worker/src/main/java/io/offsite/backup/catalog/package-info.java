/**
 * What exists in the bucket, as the verify job, {@code offsite backups} and {@code offsite restore} see it: the backups of a series
 * with their checksums and last verification ({@link io.offsite.backup.catalog.BackupCatalog},
 * {@link io.offsite.backup.catalog.BackupListing}, {@link io.offsite.backup.catalog.VerificationRecord}) and which of them to
 * restore or verify ({@link io.offsite.backup.catalog.BackupChoice}). The stored format itself is worker-core's
 * {@code io.offsite.worker.artifact}.
 */
package io.offsite.backup.catalog;
