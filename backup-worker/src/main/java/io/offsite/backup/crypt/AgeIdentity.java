package io.offsite.backup.crypt;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import io.offsite.worker.artifact.BackupMetadata;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The age identities ({@code AGE-SECRET-KEY-1…}) of an identity file as {@code age-keygen} writes it: one key a line,
 * {@code #} comments (its {@code # public key: age1…} line names the recipient) and blank lines ignored.
 */
public final class AgeIdentity {

    private static final String SECRET_PREFIX = "AGE-SECRET-KEY-1";
    private static final String PUBLIC_KEY_COMMENT = "# public key:";
    /** An identity file holds a few lines; anything much larger is not one. */
    private static final long MAX_FILE_BYTES = 64 * 1024;

    private final Path file;
    private final List<String> secrets;
    private final List<String> recipients;

    private AgeIdentity(Path file, List<String> secrets, List<String> recipients) {
        this.file = file;
        this.secrets = secrets;
        this.recipients = recipients;
    }

    /**
     * Reads an identity file.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it (missing, unreadable, no key, a line
     *                                  that is no age X25519 identity)
     */
    public static AgeIdentity load(Path file) {
        List<String> lines;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException("age identity file " + file + " is larger than " + MAX_FILE_BYTES + " bytes: not an identity file");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("age identity file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("age identity file " + file + " cannot be read: " + e.getMessage());
        }
        List<String> secrets = new ArrayList<>();
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.toLowerCase(Locale.ROOT).startsWith(PUBLIC_KEY_COMMENT)) {
                recipients.add(line.substring(PUBLIC_KEY_COMMENT.length()).strip());
                continue;
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!line.startsWith(SECRET_PREFIX)) {
                throw new IllegalArgumentException("age identity file " + file + " line " + (i + 1) + " is not an age X25519 identity"
                        + " (AGE-SECRET-KEY-1…, as age-keygen writes it)");
            }
            try {
                X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(line);
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new IllegalArgumentException("age identity file " + file + " line " + (i + 1) + " is not a valid age X25519 identity: "
                        + e.getMessage());
            }
            secrets.add(line);
        }
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("age identity file " + file + " holds no identity (AGE-SECRET-KEY-1…)");
        }
        return new AgeIdentity(file, List.copyOf(secrets), List.copyOf(recipients));
    }

    public Path file() {
        return file;
    }

    /** The recipients ({@code age1…}) the file's {@code # public key:} comments name. */
    public List<String> recipients() {
        return recipients;
    }

    /**
     * Writes a new identity to {@code file}, readable by its owner alone from its creation, in {@code age-keygen}'s
     * format (so {@code age -d -i FILE} reads it); leaves an existing file as it is.
     *
     * @return whether the file was created
     * @throws IllegalArgumentException when an existing file is not an identity file
     */
    public static boolean createIfMissing(Path file, Clock clock) throws IOException {
        if (Files.exists(file)) {
            load(file);
            return false;
        }
        KeyPair pair;
        try {
            pair = new X25519KeyPairGenerator().generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate an age identity: " + e.getMessage(), e);
        }
        String text = "# created: " + clock.instant().truncatedTo(ChronoUnit.SECONDS) + "\n"
                + PUBLIC_KEY_COMMENT + " " + pair.getPublic() + "\n"
                + pair.getPrivate() + "\n";
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (var channel = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
        }
        return true;
    }

    /** Fingerprints of the recipients the file's {@code # public key:} comments name (empty when it has none). */
    public List<String> fingerprints() {
        return recipients.stream().map(BackupMetadata::fingerprint).toList();
    }

    /**
     * Reads the age header of {@code in} and opens its payload with these identities. The returned stream fails with an
     * {@link IOException} when a chunk does not authenticate (a tampered or truncated backup).
     *
     * @throws NotForThisIdentityException when no identity of the file opens the header (or the header is not sound)
     */
    public InputStream decrypt(InputStream in) throws IOException, NotForThisIdentityException {
        List<RecipientStanzaReader> readers = new ArrayList<>();
        try {
            for (String secret : secrets) {
                readers.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(secret));
            }
            return Channels.newInputStream(new StandardDecryptingChannelFactory().newDecryptingChannel(Channels.newChannel(in), readers));
        } catch (GeneralSecurityException e) {
            throw new NotForThisIdentityException(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "age identity " + file + (recipients.isEmpty() ? "" : " " + fingerprints());
    }

    /** No identity of the file opens the backup's header. */
    public static final class NotForThisIdentityException extends Exception {
        NotForThisIdentityException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
