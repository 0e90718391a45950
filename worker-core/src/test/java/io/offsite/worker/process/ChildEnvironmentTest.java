package io.offsite.worker.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The environment a real child process sees, read from {@code /proc/<pid>/environ} while it runs. */
@Timeout(30)
class ChildEnvironmentTest {

    @Test
    void onlyTheSearchPathLocaleHomeAndTheGivenEntriesReachAChild() throws Exception {
        Map<String, String> parent = System.getenv();
        Set<String> notPassed = new HashSet<>(parent.keySet());
        notPassed.removeAll(ChildEnvironment.INHERITED);
        // the test JVM always has some (JAVA_HOME, MAVEN_*, HOSTNAME ...): without them this test could not fail
        assumeThat(notPassed).as("variables of this JVM a child must not get").isNotEmpty();

        ProcessBuilder builder = ChildEnvironment.apply(new ProcessBuilder("sleep", "20"), Map.of("PGPASSWORD", "for-this-server"));
        try (ChildProcess child = ChildProcess.start(builder, Duration.ofSeconds(2))) {
            Map<String, String> seen = environ(child.pid());

            assertThat(seen).containsEntry("PGPASSWORD", "for-this-server").containsKey("PATH");
            assertThat(seen.keySet()).doesNotContainAnyElementsOf(notPassed);
            Set<String> allowed = new HashSet<>(ChildEnvironment.INHERITED);
            allowed.add("PGPASSWORD");
            assertThat(allowed).containsAll(seen.keySet());
        }
    }

    @Test
    void aParentWithoutPathStillGivesTheChildOne() {
        Map<String, String> env = ChildEnvironment.of(Map.of("S3_SECRET_KEY", "s3cr3t", "LANG", "C.UTF-8"), Map.of());

        assertThat(env).containsOnlyKeys("PATH", "LANG");
    }

    static Map<String, String> environ(long pid) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        String text = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")), StandardCharsets.UTF_8);
        for (String entry : text.split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }
}
