package io.offsite.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The command uses no framework. (The retention policy itself is pure code in worker-core, io.offsite.worker.retention,
 * checked there.)
 */
class ArchitectureTest {

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
