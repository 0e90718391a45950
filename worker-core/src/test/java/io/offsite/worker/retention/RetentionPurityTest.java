package io.offsite.worker.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The retention policy is pure code the rotation worker and the scheduler's dashboard share: no framework, messaging,
 * storage or other worker types, and it never reads the clock itself.
 */
class RetentionPurityTest {

    static final List<String> FORBIDDEN = List.of("import org.springframework", "import org.apache.kafka", "import software.amazon",
            "import io.offsite.worker", "import io.micrometer", "import jakarta", "Instant.now()", "Clock.systemUTC()",
            "System.currentTimeMillis()");

    @Test
    void retentionStaysPure() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/offsite/worker/retention"))) {
            List<Path> sources = files.filter(f -> f.toString().endsWith(".java")).toList();
            assertThat(sources).isNotEmpty();
            for (Path source : sources) {
                String text = Files.readString(source);
                assertThat(FORBIDDEN).as(source.toString()).noneMatch(text::contains);
            }
        }
    }
}
