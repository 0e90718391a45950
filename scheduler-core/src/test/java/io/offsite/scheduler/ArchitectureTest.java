package io.offsite.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The scheduling core stays plain Java: no Spring, Kafka client or servlet types, no reading of the system clock. */
class ArchitectureTest {

    private static final List<String> FORBIDDEN = List.of(
            "import org.springframework", "import org.apache.kafka", "import jakarta.", "Instant.now()",
            "System.currentTimeMillis()", "Clock.systemUTC()");

    @ParameterizedTest
    @ValueSource(strings = {"cron", "jobs", "runs", "health", "inventory"})
    void corePackagesImportNoFrameworkAndReadNoClock(String pkg) throws IOException {
        Path dir = Path.of("src/main/java/io/offsite/scheduler", pkg);
        assertThat(dir).isDirectory();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sources = files.filter(f -> f.toString().endsWith(".java")).toList();
            assertThat(sources).isNotEmpty();
            for (Path source : sources) {
                String text = Files.readString(source);
                for (String forbidden : FORBIDDEN) {
                    assertThat(text).as("%s must not contain %s", source, forbidden).doesNotContain(forbidden);
                }
            }
        }
    }
}
