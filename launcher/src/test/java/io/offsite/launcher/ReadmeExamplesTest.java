package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The parts of {@link ReadmeExamplesIT} that need no running system: finding the README's marked blocks, and a
 * comparison of outputs that forgives what varies between runs and nothing else.
 */
class ReadmeExamplesTest {

    /** The examples ReadmeExamplesIT runs, each with its sample output. */
    static final List<String> RUN = List.of("quick-start-run", "aws-listing", "restore", "restore-by-hand", "plan-retention",
            "schema-avsc", "schema-example");

    @Test
    void theReadmeMarksEveryExampleTheTestRunsAndItsOutput() throws IOException {
        ReadmeExamples readme = ReadmeExamples.parse(Files.readString(ReadmeExamplesIT.README));

        assertThat(readme.examples().keySet()).containsExactlyInAnyOrderElementsOf(RUN);
        assertThat(readme.outputs().keySet()).containsAll(RUN).contains("quick-start-worker-log").hasSize(RUN.size() + 1);
        assertThat(readme.example("quick-start-run").lines()).containsExactly("bin/offsite run backup-database");
        assertThat(readme.example("plan-retention").text()).contains("| bin/offsite plan-retention").doesNotStartWith(" ");
        readme.outputs().values().forEach(block -> assertThat(block.lines()).as("sample output '%s'", block.name()).isNotEmpty()
                .noneMatch(line -> line.contains("(recorded by the test)")));
    }

    @Test
    void everyLineOfEverySampleOutputCounts() throws IOException {
        ReadmeExamples readme = ReadmeExamples.parse(Files.readString(ReadmeExamplesIT.README));
        for (ReadmeExamples.Block block : readme.outputs().values()) {
            List<String> sample = block.lines();
            assertThat(SampleOutput.difference(sample, sample)).isEmpty();
            for (int i = 0; i < sample.size(); i++) {
                String what = "sample '" + block.name() + "' line " + (i + 1);
                assertThat(SampleOutput.difference(sample, replaced(sample, i, sample.get(i) + " and more"))).as("%s extended", what).isPresent();
                assertThat(SampleOutput.difference(sample, replaced(sample, i, reworded(sample.get(i))))).as("%s reworded", what).isPresent();
                List<String> removed = new ArrayList<>(sample);
                removed.remove(i);
                assertThat(SampleOutput.difference(sample, removed)).as("%s removed", what).isPresent();
                List<String> added = new ArrayList<>(sample);
                added.add(i, "an extra line");
                assertThat(SampleOutput.difference(sample, added)).as("line added before %s", what).isPresent();
            }
        }
    }

    @Test
    void whatVariesBetweenRunsIsForgiven() {
        List<String> sample = List.of(
                "Requested backup-database: run backup-database@2026-11-22T07:10:00.123Z",
                "backup-database attempt 1: SUCCEEDED in 3.6 s",
                "  stored backup-database/pokemon-data-2026-11-22T07-10-00.123Z.sqlite3.db.gz (2.2 MB, sha256 "
                        + "bb2ccfad500ac6cc5ae89f3f324c1b7c0514b8d7b75d52a930eeff3257275d72) in 3.5 s",
                "  stored_bytes = 2350934",
                "2026-11-22 07:10:03    2350934 pokemon-data-2026-11-22T07-10-00.123Z.sqlite3.db.gz",
                "  pokemon-data-2026-11-22T07-10-00.123Z.sqlite3.db.gz          2.2 MB        45s  bb2ccfad500a…    OK 2026-11-22T07:10:05Z",
                "[backup-database] Compressed size: 2.2 MB (82% reduction)");
        List<String> printed = List.of(
                "Requested backup-database: run backup-database@2026-12-06T09:00:43.464Z",
                "backup-database attempt 1: SUCCEEDED in 12.0 s",
                "  stored backup-database/pokemon-data-2026-12-06T09-00-43.464Z.sqlite3.db.gz (912.4 KB, sha256 "
                        + "6eced7c459bec4a0a8424fb94f0b612a4efc3a94c61aa462f146dc2380d63528) in 11 s",
                "  stored_bytes = 934312",
                "2026-12-06 10:00:51     934312 pokemon-data-2026-12-06T09-00-43.464Z.sqlite3.db.gz",
                "  pokemon-data-2026-12-06T09-00-43.464Z.sqlite3.db.gz        912.4 KB      1h 2m  6eced7c459be…    OK 2026-12-06T09:00:53Z",
                "[backup-database] Compressed size: 912.4 KB (9% reduction)");

        assertThat(SampleOutput.difference(sample, printed)).isEmpty();
    }

    @Test
    void countsWordsAndOrderAreNotForgiven() {
        List<String> sample = List.of("keep pokemon-data-2026-11-22T07-10-00.123Z.sqlite3.db.gz daily,weekly,monthly",
                "keep pokemon-data-2026-11-22T07-12-00.123Z.sqlite3.db.gz minimum",
                "plan-retention: ignored 4 sidecar line(s) (*.sha256, *.verified): they are not backups",
                "Rows: sets=150, pokemon_cards=15000");

        assertThat(SampleOutput.difference(sample, List.of(sample.get(0), sample.get(1), sample.get(2)))).get().asString()
                .contains("line 4 of the sample is missing from the output: Rows: sets=150, pokemon_cards=15000");
        assertThat(SampleOutput.difference(sample, List.of(sample.get(0), "delete pokemon-data-2026-11-22T07-12-00.123Z.sqlite3.db.gz",
                sample.get(2), sample.get(3)))).get().asString().contains("line 2 differs");
        assertThat(SampleOutput.difference(sample, List.of(sample.get(0), sample.get(1),
                "plan-retention: ignored 6 sidecar line(s) (*.sha256, *.verified): they are not backups", sample.get(3)))).isPresent();
        assertThat(SampleOutput.difference(sample, List.of(sample.get(0), sample.get(1), sample.get(2), "Rows: sets=150, pokemon_cards=14999")))
                .isPresent();
        assertThat(SampleOutput.difference(sample, List.of(sample.get(1), sample.get(0), sample.get(2), sample.get(3)))).isPresent();
        assertThat(SampleOutput.difference(sample, List.of(sample.get(0), sample.get(1), sample.get(2), sample.get(3), "")))
                .as("a trailing empty line is a line").isPresent();
    }

    @Test
    void aLineRewrittenInPlaceShowsItsLastState() {
        assertThat(SampleOutput.asShown("Completed 1 of 2\rCompleted 2 of 2\rdownload: s3://b/k to ./k\nrestore.db.gz: OK\r\nok\n\n"))
                .containsExactly("download: s3://b/k to ./k", "restore.db.gz: OK", "ok");
    }

    @Test
    void markersNeedTheirCodeBlockAndUniqueNames() {
        String text = """
                Intro

                - a list item:

                  <!-- example: listed -->
                  ```bash
                  echo one \\
                    two
                  ```
                <!-- output: listed -->

                ```
                one two
                ```
                """;
        ReadmeExamples readme = ReadmeExamples.parse(text);
        assertThat(readme.example("listed").lines()).containsExactly("echo one \\", "  two");
        assertThat(readme.output("listed").lines()).containsExactly("one two");
        assertThat(ReadmeExamples.parse(readme.withBlock(readme.output("listed"), List.of("three", "four"))).output("listed").lines())
                .containsExactly("three", "four");
        assertThat(Map.copyOf(readme.examples())).hasSize(1);

        assertThatThrownBy(() -> ReadmeExamples.parse("<!-- example: lost -->\ntext\n```\nx\n```\n"))
                .hasMessageContaining("README line 1: 'example: lost' is not followed by a fenced code block");
        assertThatThrownBy(() -> ReadmeExamples.parse("<!-- output: twice -->\n```\nx\n```\n<!-- output: twice -->\n```\ny\n```\n"))
                .hasMessageContaining("a second 'output: twice'");
        assertThatThrownBy(() -> ReadmeExamples.parse("<!-- output: open -->\n```\nx\n"))
                .hasMessageContaining("is not closed");
        assertThatThrownBy(() -> readme.example("missing")).hasMessageContaining("no block marked '<!-- example: missing -->'");
    }

    /** The line with its first word replaced, or (a line of hex bytes) its first character. */
    private static String reworded(String line) {
        String changed = line.replaceFirst("[A-Za-z]{3,}", "Reworded");
        return changed.equals(line) ? line.replaceFirst("\\S", "#") : changed;
    }

    private static List<String> replaced(List<String> lines, int index, String line) {
        List<String> copy = new ArrayList<>(lines);
        copy.set(index, line);
        return copy;
    }
}
