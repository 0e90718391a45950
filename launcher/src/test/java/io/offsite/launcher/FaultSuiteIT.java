package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The short subset of the fault suite ({@code bench/faults/run.sh --quick}): real processes (embedded Kafka and S3,
 * two backup workers, two schedulers, the suite's S3 proxy) started from this test's own classpath, so it runs on
 * the classes of the current build without installing anything or starting Maven again.
 */
class FaultSuiteIT {

    private static final List<String> QUICK = List.of("duplicate-requests", "poison-records", "worker-sigterm");

    @Test
    void quickFaultScenariosPass() throws Exception {
        Path root = repositoryRoot();
        Path script = root.resolve("bench/faults/run.sh");
        assumeTrue(Files.isRegularFile(script), "bench/faults/run.sh not found from " + Path.of("").toAbsolutePath());
        for (String tool : List.of("bash", "python3", "curl", "javac")) {
            assumeTrue(onPath(tool), tool + " is not on the PATH: the fault suite needs it");
        }
        // surefire runs tests from a manifest-only jar: the real classpath is in surefire.test.class.path
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = Files.createDirectories(Path.of("target")).resolve("fault-suite-quick.log");

        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "--quick", "--no-build")
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("FAULTS_CLASSPATH", classpath);
        Process suite = builder.start();
        boolean finished = suite.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            suite.destroy(); // SIGTERM: the suite's trap stops every process it started
            suite.waitFor(60, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);

        assertThat(finished).as("the quick fault suite finished within 10 minutes:%n%s", output).isTrue();
        assertThat(suite.exitValue()).as("exit code of bench/faults/run.sh --quick:%n%s", output).isZero();
        for (String scenario : QUICK) {
            assertThat(output).as("result of %s:%n%s", scenario, output).containsPattern("(?m)^PASS " + scenario + " ");
        }
        assertThat(output).doesNotContainPattern("(?m)^FAIL ");
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bench/faults/run.sh"))) {
                return p;
            }
        }
        return dir;
    }

    private static boolean onPath(String tool) throws IOException {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        try (Stream<String> dirs = Stream.of(path.split(File.pathSeparator))) {
            return dirs.anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
        }
    }
}
