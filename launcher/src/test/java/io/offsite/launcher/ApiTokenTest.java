package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token file of {@code offsite local}: random, kept across starts, readable by its owner only. */
class ApiTokenTest {

    @TempDir
    Path dir;

    @Test
    void aNewTokenIsRandomOwnerOnlyAndKeptAcrossStarts() throws Exception {
        Path file = dir.resolve(ApiToken.FILE_NAME);
        String token = ApiToken.loadOrCreate(file);
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(ApiToken.loadOrCreate(file)).isEqualTo(token);
        assertThat(ApiToken.read(file)).isEqualTo(token);
        assertThat(ApiToken.loadOrCreate(dir.resolve("other"))).isNotEqualTo(token);
    }

    @Test
    void anOpenTokenFileIsRestrictedAndABlankOneReplaced() throws Exception {
        Path file = dir.resolve(ApiToken.FILE_NAME);
        Files.writeString(file, "  my-own-token-0123456789 \n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(ApiToken.loadOrCreate(file)).isEqualTo("my-own-token-0123456789");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        Files.writeString(file, "\n");
        assertThat(ApiToken.loadOrCreate(file)).hasSize(43);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void commandsUseTheFileWhenTheEnvironmentHasNoToken() throws Exception {
        assumeTrue(System.getenv(ApiToken.VARIABLE) == null, ApiToken.VARIABLE + " is set in this environment");
        Path file = dir.resolve(ApiToken.FILE_NAME);
        assertThat(ApiToken.forCommand(file)).isNull();
        String token = ApiToken.loadOrCreate(file);
        assertThat(ApiToken.forCommand(file)).isEqualTo(token);
    }
}
