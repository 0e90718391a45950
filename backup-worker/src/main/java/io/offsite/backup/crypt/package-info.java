/**
 * Encryption of stored backups with age (https://age-encryption.org/v1, X25519 recipients), by the Jagged library: the
 * write side holds only public keys ({@link io.offsite.backup.crypt.AgeRecipients}); the identity that opens a backup
 * ({@link io.offsite.backup.crypt.AgeIdentity}) is needed only where bytes are read back (restore, and verification when
 * it is given one). {@link io.offsite.backup.crypt.AgeHeader} checks the header of a backup without any key.
 */
package io.offsite.backup.crypt;
