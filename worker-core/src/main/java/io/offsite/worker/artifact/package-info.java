/**
 * The stored-backup format, defined once for every worker, the scheduler and the command line: the key layout of the
 * bucket and of a backup's name (written and read), the metadata keys stored with a backup, the {@code .sha256} and
 * {@code .verified} sidecars with their content, and a listing of a series sorted into backups and the rest. Nothing
 * outside this package spells a sidecar suffix, an internal folder or a metadata key.
 */
package io.offsite.worker.artifact;
