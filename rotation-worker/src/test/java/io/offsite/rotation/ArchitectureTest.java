package io.offsite.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure packages import no framework, messaging or storage types, and never read the clock themselves. */
class ArchitectureTest {

    static final List<String> FORBIDDEN = List.of("import org.springframework", "import org.apache.kafka", "import software.amazon",
            "import io.offsite.worker", "import io.micrometer", "Instant.now()", "Clock.systemUTC()", "System.currentTimeMillis()");

    @ParameterizedTest
    @ValueSource(strings = {"policy"})
    void domainPackagesStayPure(String pkg) throws IOException {
        Path dir = Path.of("src/main/java/io/offsite/rotation").resolve(pkg);
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> sources = files.filter(f -> f.toString().endsWith(".java")).toList();
            assertThat(sources).isNotEmpty();
            for (Path source : sources) {
                String text = Files.readString(source);
                assertThat(FORBIDDEN).as(source.toString()).noneMatch(text::contains);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cli"})
    void theCommandUsesNoFramework(String pkg) throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/offsite/rotation").resolve(pkg))) {
            for (Path source : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                assertThat(Files.readString(source)).as(source.toString())
                        .doesNotContain("import org.springframework", "import org.apache.kafka", "import software.amazon");
            }
        }
    }
}
