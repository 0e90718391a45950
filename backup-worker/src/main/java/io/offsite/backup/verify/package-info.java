/**
 * The verify job: proves sampled or named backups restorable (with {@code catalog} and {@code readback}) and stores the
 * result next to each as its {@code .verified} sidecar.
 */
package io.offsite.backup.verify;
