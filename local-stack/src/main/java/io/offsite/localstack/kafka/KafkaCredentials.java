package io.offsite.localstack.kafka;

import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The Kafka users of a local system and their passwords, in one file readable by its owner only (mode 0600):
 * {@code <user>.password=...} per user (the super user {@value KafkaProvisioning#ADMIN} and every {@link Role}),
 * plus how the broker was last reached ({@code bootstrap.servers}, {@code security.protocol}) so that the command
 * line finds it. Missing passwords are made up (random, 32 characters); a password changed in the file is applied
 * at the next start.
 */
public final class KafkaCredentials {

    public static final String FILE_NAME = "kafka-credentials.properties";
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path file;
    private final String adminPassword;
    private final Map<Role, String> passwords;
    private final String bootstrapServers;
    private final String protocol;

    private KafkaCredentials(Path file, String adminPassword, Map<Role, String> passwords, String bootstrapServers, String protocol) {
        this.file = file;
        this.adminPassword = adminPassword;
        this.passwords = Map.copyOf(passwords);
        this.bootstrapServers = bootstrapServers;
        this.protocol = protocol;
    }

    /** The credentials in {@code file}, with a new random password for every user it lacks; nothing is written. */
    public static KafkaCredentials loadOrGenerate(Path file) {
        Properties existing = Files.exists(file) ? read(file) : new Properties();
        String admin = existing.getProperty(key(KafkaProvisioning.ADMIN));
        Map<Role, String> passwords = new EnumMap<>(Role.class);
        for (Role role : Role.values()) {
            String password = existing.getProperty(key(role.user()));
            passwords.put(role, password == null || password.isBlank() ? generate() : password.trim());
        }
        return new KafkaCredentials(file, admin == null || admin.isBlank() ? generate() : admin.trim(), passwords,
                existing.getProperty("bootstrap.servers"), existing.getProperty("security.protocol"));
    }

    /** The credentials in {@code file}, when it exists. */
    public static Optional<KafkaCredentials> load(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        KafkaCredentials credentials = loadOrGenerate(file);
        return Optional.of(credentials);
    }

    /**
     * Writes the file (owner read and write only, replaced atomically) with the broker's address and protocol.
     */
    public KafkaCredentials save(String bootstrap, String securityProtocol) {
        StringBuilder text = new StringBuilder()
                .append("# Kafka users of the local Offsite system. Keep this file private (mode 0600).\n")
                .append("# Clients log in with SCRAM-SHA-512 on bootstrap.servers; 'admin' is the super user and logs in with PLAIN\n")
                .append("# on the broker's internal listener only. Change a password here (or delete its line for a new random one)\n")
                .append("# and restart 'bin/offsite local' to rotate it. security.protocol is PLAINTEXT while started with --open.\n")
                .append("bootstrap.servers=").append(bootstrap).append('\n')
                .append("security.protocol=").append(securityProtocol).append('\n')
                .append(key(KafkaProvisioning.ADMIN)).append('=').append(adminPassword).append('\n');
        for (Role role : Role.values()) {
            text.append(key(role.user())).append('=').append(passwords.get(role)).append('\n');
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            if (Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView("posix")) {
                Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(temp);
            }
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Kafka credentials to " + file + ": " + e.getMessage(), e);
        }
        return new KafkaCredentials(file, adminPassword, passwords, bootstrap, securityProtocol);
    }

    private static Properties read(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kafka credentials in " + file + ": " + e.getMessage(), e);
        }
        return properties;
    }

    private static String key(String user) {
        return user + ".password";
    }

    static String generate() {
        StringBuilder password = new StringBuilder(32);
        for (int i = 0; i < 32; i++) {
            password.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return password.toString();
    }

    public Path file() {
        return file;
    }

    public String adminPassword() {
        return adminPassword;
    }

    public String password(Role role) {
        return passwords.get(role);
    }

    public Map<Role, String> passwords() {
        return passwords;
    }

    /** The bootstrap servers written at the last start; null before the first save. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** True unless the broker was last started open. */
    public boolean secure() {
        return !"PLAINTEXT".equalsIgnoreCase(protocol);
    }

    /** How {@code role} reaches the broker at {@code bootstrap}: SCRAM when secure, PLAINTEXT when started open. */
    public KafkaAccess access(Role role, String bootstrap) {
        return secure() ? KafkaAccess.scram(bootstrap, role.user(), password(role)) : KafkaAccess.open(bootstrap);
    }

    @Override
    public String toString() {
        return "Kafka credentials in " + file;
    }
}
