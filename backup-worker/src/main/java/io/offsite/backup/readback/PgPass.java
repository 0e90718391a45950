package io.offsite.backup.readback;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A password from a PostgreSQL password file ({@code ~/.pgpass}, or {@code PGPASSFILE}): lines
 * {@code hostname:port:database:username:password}, {@code *} matching anything, {@code \:} and {@code \\} escaping, the
 * first matching line winning. Like libpq, a file others may read or write is ignored (with the reason).
 */
public final class PgPass {

    private PgPass() {
    }

    /** The password for {@code db}'s host, port, database and user, if {@code file} holds one; {@code warnings} gets why a file was ignored. */
    public static Optional<String> lookup(Path file, PgConnection db, List<String> warnings) throws IOException {
        if (file == null || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                warnings.add("password file " + file + " is ignored: others may read or change it; chmod 0600 " + file);
                return Optional.empty();
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> fields = fields(line);
            if (fields.size() < 5) {
                continue;
            }
            if (matches(fields.get(0), db.host()) && matches(fields.get(1), Integer.toString(db.port()))
                    && matches(fields.get(2), db.database()) && matches(fields.get(3), db.user())) {
                return Optional.of(fields.get(4));
            }
        }
        return Optional.empty();
    }

    private static boolean matches(String pattern, String value) {
        return pattern.equals("*") || pattern.equals(value);
    }

    /** The colon-separated fields of a line; the last one (the password) takes the rest of the line. */
    static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                field.append(line.charAt(++i));
            } else if (c == ':' && fields.size() < 4) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
