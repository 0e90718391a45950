package io.offsite.backup.readback;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Passwords from a real password file, the way libpq reads it. */
class PgPassTest {

    @TempDir
    Path dir;

    final PgConnection db = new PgConnection("127.0.0.1", 5433, "shop", "owner", "");

    Path pgpass(String text, String mode) throws Exception {
        Path file = dir.resolve(".pgpass");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void theFirstMatchingLineWinsWithWildcardsAndEscapes() throws Exception {
        Path file = pgpass("""
                # comment
                127.0.0.1:5432:shop:owner:wrong-port
                other:*:*:*:other-host
                127.0.0.1:*:shop:owner:pa\\:ss\\\\word:with:colons
                *:*:*:*:fallback
                """, "rw-------");

        assertThat(PgPass.lookup(file, db, new ArrayList<>())).contains("pa:ss\\word:with:colons");
        assertThat(PgPass.lookup(file, db.withDatabase("other"), new ArrayList<>())).contains("fallback");
    }

    @Test
    void aFileOthersMayReadIsIgnoredWithTheReason() throws Exception {
        Path file = pgpass("*:*:*:*:secret\n", "rw-r--r--");
        List<String> warnings = new ArrayList<>();

        assertThat(PgPass.lookup(file, db, warnings)).isEmpty();
        assertThat(warnings).singleElement().asString().contains("ignored").contains("chmod 0600");
        assertThat(PgPass.lookup(dir.resolve("missing"), db, warnings)).isEmpty();
    }
}
