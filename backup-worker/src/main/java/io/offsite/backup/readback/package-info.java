/**
 * Reading a stored backup back and proving it: the checked download (both SHA-256s, decompression capped at the
 * recorded size, owner-only files), the checks of what it holds (SQLite {@code integrity_check}, {@code pg_restore --list},
 * a plain dump read as psql reads it and refused if it would run anything), the PostgreSQL tools and connections, and the
 * report lines and errors ({@link io.offsite.backup.readback.RestoreException}, {@link io.offsite.backup.readback.BackupDefectException})
 * a restore and a verification share.
 */
package io.offsite.backup.readback;
