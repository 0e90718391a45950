package io.offsite.backup.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command-line tool on a file, bounded in time. */
final class Cli {

    private Cli() {
    }

    /** Runs {@code command} with {@code stdin} as input and returns its standard output. */
    static byte[] run(Path workDir, Path stdin, String... command) throws IOException, InterruptedException {
        assertThat(Path.of("/usr/bin", command[0]))
                .as("%s is needed by this test (Debian package %s)", command[0], command[0])
                .isExecutable();
        Path stdout = Files.createTempFile(workDir, "stdout", ".bin");
        Path stderr = Files.createTempFile(workDir, "stderr", ".txt");
        try {
            Process process = new ProcessBuilder(List.of(command))
                    .redirectInput(stdin.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                fail("%s did not finish within 60 s", String.join(" ", command));
            }
            assertThat(process.exitValue())
                    .as("exit code of %s, stderr: %s", String.join(" ", command),
                            Files.readString(stderr, StandardCharsets.UTF_8))
                    .isZero();
            return Files.readAllBytes(stdout);
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }
}
