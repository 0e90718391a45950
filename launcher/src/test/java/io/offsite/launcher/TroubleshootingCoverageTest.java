package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every failure the README's troubleshooting table names is produced by a test: each error code or message quoted
 * in the table's first column appears in some module's test sources (an error code as it is; a message by at least
 * three consecutive words of it). A row added without a test that shows it fails here.
 */
class TroubleshootingCoverageTest {

    private static final Pattern QUOTED = Pattern.compile("`([^`]+)`");
    private static final Pattern WORDS = Pattern.compile("[A-Za-z][A-Za-z'-]*(?: [A-Za-z][A-Za-z'-]*)*");

    @Test
    void everyFailureInTheTroubleshootingTableIsProducedByATest() throws IOException {
        String tests = testSources();
        List<String> quoted = troubleshootingQuotes();
        assertThat(quoted).as("quoted failures in the README's troubleshooting table").hasSizeGreaterThan(10);
        List<String> untested = new ArrayList<>();
        for (String failure : quoted) {
            if (!tests.contains(failure) && !anyThreeWordsIn(failure, tests)) {
                untested.add(failure);
            }
        }
        assertThat(untested).as("troubleshooting rows no test produces").isEmpty();
    }

    /** The quoted texts of the first column of the table under "## Troubleshooting". */
    static List<String> troubleshootingQuotes() throws IOException {
        String readme = Files.readString(DeploymentConsistencyTest.ROOT.resolve("README.md"));
        int start = readme.indexOf("\n## Troubleshooting");
        int end = readme.indexOf("\n## ", start + 1);
        List<String> quoted = new ArrayList<>();
        for (String line : readme.substring(start, end).split("\n")) {
            if (!line.startsWith("| ") || line.startsWith("| symptom") || line.startsWith("|---")) {
                continue;
            }
            String firstColumn = line.substring(2, line.indexOf(" |", 1));
            Matcher m = QUOTED.matcher(firstColumn);
            while (m.find()) {
                String text = m.group(1);
                if (!List.of("FAILED", "REJECTED").contains(text)) { // statuses, not reasons
                    quoted.add(text);
                }
            }
        }
        return quoted;
    }

    /** Whether three consecutive words of a quoted message (its variable parts, numbers and addresses, aside) appear. */
    private static boolean anyThreeWordsIn(String message, String tests) {
        Matcher runs = WORDS.matcher(message);
        while (runs.find()) {
            String[] words = runs.group().split(" ");
            for (int i = 0; i + 3 <= words.length; i++) {
                if (tests.contains(String.join(" ", List.of(words).subList(i, i + 3)))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String testSources() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> modules = Files.list(DeploymentConsistencyTest.ROOT)) {
            for (Path module : modules.toList()) {
                Path tests = module.resolve("src/test/java");
                if (!Files.isDirectory(tests)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(tests)) {
                    files.filter(f -> f.toString().endsWith(".java"))
                            .filter(f -> !f.getFileName().toString().equals("TroubleshootingCoverageTest.java"))
                            .forEach(f -> all.append(read(f)).append('\n'));
                }
            }
        }
        return all.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
