package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.localstack.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's own failures, as the README's troubleshooting table lists them: each says what to do. */
class CommandLineErrorsTest {

    @TempDir
    Path dir;

    private static CliRun offsite(String... args) {
        return CliRun.of(args);
    }

    @Test
    void runWithNoSchedulerSaysHowToStartOne() {
        String api = "http://127.0.0.1:" + Ports.freePort();
        CliRun result = offsite("run", "backup-database", "--no-wait", "--api", api);
        assertThat(result.exit()).as("a system that cannot be reached is a failure, not a wrong command line").isEqualTo(1);
        assertThat(result.err()).contains("the scheduler does not answer at " + api).contains("bin/offsite local");
    }

    @Test
    void aDataFolderThatCannotBeWrittenIsNamed() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("data"), "a file where the data folder should be");
        LocalOptions options = new LocalOptions(notAFolder, Ports.freePort(), Ports.freePort(), Ports.freePort(),
                Ports.freePort(), Ports.freePort(), Ports.freePort(), Ports.freePort(), false, false);
        try (LocalSystem system = new LocalSystem(options)) {
            system.startInfrastructure();
            throw new AssertionError("started on a data folder that is a file");
        } catch (UsageException e) {
            assertThat(e.getMessage()).startsWith("cannot write to the data folder " + notAFolder).contains("--data DIR");
        }
    }

    @Test
    void anOldJavaIsNamedByTheScriptBeforeAnythingIsBuilt() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                echo '    java.specification.version = 11' >&2
                echo 'openjdk version "11.0.2"' >&2
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = DeploymentConsistencyTest.ROOT.resolve("bin/offsite");
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "--help").redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":/usr/bin:/bin");
        Process process = builder.start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(printed).isEqualTo(1);
        assertThat(printed).contains("Java 11 found, Offsite needs Java 17 or newer");
    }
}
