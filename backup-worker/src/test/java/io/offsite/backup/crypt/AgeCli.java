package io.offsite.backup.crypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's {@code age} and {@code age-keygen} (package {@code age}), run bounded in time. */
public final class AgeCli {

    private AgeCli() {
    }

    /** A new identity file written by {@code age-keygen}; returns its recipient ({@code age1…}). */
    public static String keygen(Path identityFile) throws IOException, InterruptedException {
        run(null, null, "age-keygen", "-o", identityFile.toString());
        return new String(run(null, null, "age-keygen", "-y", identityFile.toString()), StandardCharsets.UTF_8).strip();
    }

    /** Runs {@code command} reading {@code stdin} (null: nothing) and writing {@code stdout} (null: returned). */
    public static byte[] run(Path stdin, Path stdout, String... command) throws IOException, InterruptedException {
        assertThat(Path.of("/usr/bin", command[0])).as("%s is needed by this test (Debian package age)", command[0]).isExecutable();
        Path out = stdout != null ? stdout : Files.createTempFile("age-out", ".bin");
        Path err = Files.createTempFile("age-err", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(List.of(command)).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin != null) {
                builder.redirectInput(stdin.toFile());
            }
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                fail("%s did not finish within 60 s", String.join(" ", command));
            }
            assertThat(process.exitValue()).as("exit code of %s, stderr: %s", String.join(" ", command),
                    Files.readString(err, StandardCharsets.UTF_8)).isZero();
            return stdout != null ? new byte[0] : Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(err);
            if (stdout == null) {
                Files.deleteIfExists(out);
            }
        }
    }
}
