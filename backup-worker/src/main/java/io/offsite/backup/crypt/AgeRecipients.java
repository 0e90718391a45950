package io.offsite.backup.crypt;

import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;
import io.offsite.worker.artifact.BackupMetadata;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The age recipients ({@code age1…} X25519 public keys) a backup is encrypted to: any one of their identities opens it.
 * Several at once let an old and a new key both open new backups while keys are rotated.
 */
public final class AgeRecipients {

    private final List<String> recipients;

    private AgeRecipients(List<String> recipients) {
        this.recipients = recipients;
    }

    /**
     * Checks each recipient.
     *
     * @throws IllegalArgumentException naming the recipient (by position and start) that is not an age X25519 public key
     */
    public static AgeRecipients of(List<String> recipients) {
        Objects.requireNonNull(recipients, "recipients");
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("encryption needs at least one recipient (age1…)");
        }
        List<String> checked = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            String recipient = recipients.get(i) == null ? "" : recipients.get(i).strip();
            if (recipient.toUpperCase(java.util.Locale.ROOT).startsWith("AGE-SECRET-KEY-")) {
                // never echoed: a private key in the backup worker's configuration is a leak to repair, not to log
                throw new IllegalArgumentException("encryption recipient " + (i + 1) + " is an age identity (a private key), not a "
                        + "recipient: the backup worker must hold only public keys. Configure the recipient it prints "
                        + "(age-keygen -y key.txt), remove the identity from this configuration and, since it was exposed, "
                        + "treat it as compromised");
            }
            try {
                X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient);
            } catch (GeneralSecurityException | RuntimeException e) {
                String shown = recipient.length() > 12 ? recipient.substring(0, 12) + "…" : recipient;
                throw new IllegalArgumentException("encryption recipient " + (i + 1) + " ('" + shown + "') is not an age X25519 public key "
                        + "(age1… as age-keygen prints it): " + e.getMessage());
            }
            checked.add(recipient);
        }
        return new AgeRecipients(List.copyOf(checked));
    }

    public List<String> recipients() {
        return recipients;
    }

    /** Their fingerprints, as the backup's metadata records them ({@link BackupMetadata#fingerprint}). */
    public List<String> fingerprints() {
        return recipients.stream().map(BackupMetadata::fingerprint).toList();
    }

    /**
     * Wraps {@code out} with an age encryptor: closing the returned stream writes the last chunk and closes {@code out}.
     * A fresh file key is drawn for each stream.
     */
    public OutputStream encrypt(OutputStream out) throws IOException {
        List<RecipientStanzaWriter> writers = new ArrayList<>();
        try {
            for (String recipient : recipients) {
                writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient));
            }
            return Channels.newOutputStream(new StandardEncryptingChannelFactory().newEncryptingChannel(Channels.newChannel(out), writers));
        } catch (GeneralSecurityException e) {
            throw new IOException("age encryption could not start: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "age" + fingerprints();
    }
}
