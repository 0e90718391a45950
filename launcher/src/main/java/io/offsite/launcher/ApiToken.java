package io.offsite.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler API token of {@code offsite local}: {@code OFFSITE_SCHEDULER_API_TOKEN} when set, otherwise the
 * random token in {@code <data>/api-token} (created on first start, readable by its owner only). The commands
 * that call the API find it the same way.
 */
final class ApiToken {

    static final String VARIABLE = "OFFSITE_SCHEDULER_API_TOKEN";
    static final String FILE_NAME = "api-token";

    private static final Logger log = LoggerFactory.getLogger(ApiToken.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private ApiToken() {
    }

    /** The token from the environment, else the one in {@code file}, created there (0600) when missing or blank. */
    static String forLocalSystem(Path file) throws IOException {
        String fromEnvironment = System.getenv(VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        return loadOrCreate(file);
    }

    static String loadOrCreate(Path file) throws IOException {
        String existing = read(file);
        if (existing != null) {
            restrict(file);
            return existing;
        }
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes());
        Files.deleteIfExists(file); // a blank file: nothing usable is lost
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // no POSIX permissions on this file system
        } catch (FileAlreadyExistsException e) {
            return loadOrCreate(file); // another start won the race: use its token
        }
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
        log.info("Created the API token {} (readable by its owner only)", file);
        return token;
    }

    /** The token a command sends: {@code OFFSITE_SCHEDULER_API_TOKEN}, else the content of {@code file}, else null. */
    static String forCommand(Path file) {
        String fromEnvironment = System.getenv(VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        try {
            return read(file);
        } catch (IOException e) {
            throw new UsageException("cannot read the API token " + file + ": " + e.getMessage());
        }
    }

    /** The stripped content of {@code file}; null when it does not exist or is blank. */
    static String read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        return token.isEmpty() ? null : token;
    }

    private static void restrict(Path file) throws IOException {
        try {
            Set<PosixFilePermission> current = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(current)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
                log.warn("The API token {} was readable by others ({}); it is now readable by its owner only",
                        file, PosixFilePermissions.toString(current));
            }
        } catch (UnsupportedOperationException e) {
            // no POSIX permissions on this file system
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
