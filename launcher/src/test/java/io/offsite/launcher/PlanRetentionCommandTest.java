package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code offsite plan-retention}, through the whole command line. */
class PlanRetentionCommandTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-15T01:00:00Z"), ZoneOffset.UTC);

    record Result(int status, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    static Result run(String input, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] line = new String[args.length + 1];
        line[0] = "plan-retention";
        System.arraycopy(args, 0, line, 1, args.length);
        int status = OffsiteCli.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new StringReader(input), CLOCK).execute(line);
        return new Result(status, out.toString(StandardCharsets.UTF_8).replace("\r", ""), err.toString(StandardCharsets.UTF_8));
    }

    static String keys(String from, String to) {
        StringBuilder s = new StringBuilder();
        for (LocalDate d = LocalDate.parse(from); !d.isAfter(LocalDate.parse(to)); d = d.plusDays(1)) {
            s.append("backup-database/pokemon-data-").append(d).append("T00-00-00.000Z.sqlite3.db.gz\n");
        }
        return s.toString();
    }

    @Test
    void withoutRuleOptionsItPlansTheOriginalDefaultInInputOrder() {
        Result r = run(keys("2024-10-01", "2025-01-15"));

        assertThat(r.status()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.lines()).hasSize(107);
        assertThat(r.lines().get(0)).isEqualTo("delete backup-database/pokemon-data-2024-10-01T00-00-00.000Z.sqlite3.db.gz");
        assertThat(r.lines()).contains(
                "keep backup-database/pokemon-data-2024-11-01T00-00-00.000Z.sqlite3.db.gz monthly",
                "keep backup-database/pokemon-data-2025-01-12T00-00-00.000Z.sqlite3.db.gz daily,weekly",
                "keep backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz daily");
        assertThat(r.lines()).filteredOn(l -> l.startsWith("keep ")).hasSize(13);
        assertThat(r.lines().get(106)).startsWith("keep backup-database/pokemon-data-2025-01-15");
    }

    @Test
    void resticOptionsOnIsoInstants() {
        String input = "2024-01-01T08:00:00Z\n2024-01-02T09:30:00.5Z\n\n2024-01-02T20:00:00Z\n";

        Result r = run(input, "--semantics", "restic", "--keep-daily=unlimited");

        assertThat(r.status()).isZero();
        assertThat(r.lines()).containsExactly(
                "keep 2024-01-01T08:00:00Z daily",
                "delete 2024-01-02T09:30:00.5Z",
                "keep 2024-01-02T20:00:00Z daily");
    }

    @Test
    void keepWithinAndZone() {
        Result r = run(keys("2025-01-01", "2025-01-15"), "--keep-within", "3d", "--zone", "Europe/Berlin");

        assertThat(r.status()).isZero();
        assertThat(r.lines()).filteredOn(l -> l.startsWith("keep ")).hasSize(3).allMatch(l -> l.endsWith(" within"));
    }

    @Test
    void unreadableLinesAreReportedWithTheirNumbersAndNoPlanIsPrinted() {
        Result r = run("2025-01-15T00:00:00Z\nREADME.md\n2025-02-30T00:00:00Z\n2025-01-15T00:00:00Z\n", "--keep-last", "1");

        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("line 2: no backup timestamp in 'README.md'", "line 3:", "line 4:", "repeats line 1");
    }

    @Test
    void badOptionsExitWithUsage() {
        List<Result> results = new ArrayList<>();
        results.add(run("", "--keep-daily", "0"));
        results.add(run("", "--keep-daily", "seven"));
        results.add(run("", "--semantics", "borg"));
        results.add(run("", "--zone", "Mars/Olympus"));
        results.add(run("", "--keep-within", "7w"));
        results.add(run("", "--keep-daily"));
        results.add(run("", "--frobnicate", "1"));

        assertThat(results).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).contains("usage: offsite plan-retention");
        });
        assertThat(results.get(0).err()).contains("empty retention policy");
    }

    @Test
    void helpPrintsUsage() {
        Result r = run("", "--help");
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("usage: offsite plan-retention").contains("--keep-within=DURATION")
                .contains("Exit status: 0 plan printed");
    }

    @Test
    void futureDatedLinesAreKeptFlaggedAndNamedOnStderr() {
        String future = "backup-database/pokemon-data-9999-01-01T00-00-00.000Z.sqlite3.db.gz\n"
                + "backup-database/pokemon-data-9999-01-02T00-00-00.000Z.sqlite3.db.gz\n";

        Result r = run(keys("2025-01-09", "2025-01-15") + future);

        assertThat(r.status()).isZero();
        assertThat(r.lines()).contains(
                "keep backup-database/pokemon-data-9999-01-01T00-00-00.000Z.sqlite3.db.gz future-dated",
                "keep backup-database/pokemon-data-2025-01-09T00-00-00.000Z.sqlite3.db.gz daily,weekly,monthly");
        assertThat(r.lines()).filteredOn(l -> l.startsWith("delete ")).isEmpty();
        assertThat(r.err()).contains("2 backup(s) dated after 2025-01-15T01:05:00Z are future-dated")
                .contains("pokemon-data-9999-01-02T00-00-00.000Z");
    }

    @Test
    void sidecarLinesAreNeverPlannedAsBackupsAndAreCounted() {
        // six backups, each with its checksum and verification sidecar, as a raw bucket listing gives them
        StringBuilder listing = new StringBuilder();
        for (String key : keys("2025-01-10", "2025-01-15").split("\n")) {
            listing.append(key).append('\n').append(key).append(".sha256\n").append(key).append(".verified\n");
        }

        Result r = run(listing.toString(), "--keep-last", "6");

        assertThat(r.status()).isZero();
        assertThat(r.lines()).hasSize(6).allMatch(l -> l.startsWith("keep ") && l.contains(".db.gz last"));
        assertThat(r.out()).doesNotContain(".sha256").doesNotContain(".verified");
        assertThat(r.err()).contains("ignored 12 sidecar line(s) (*.sha256, *.verified)");
    }

    @Test
    void sidecarsDoNotDisplaceRealBackups() {
        // with the default policy and six daily backups every one is kept; sidecars once counted as backups
        // and pushed two real ones out
        StringBuilder listing = new StringBuilder();
        for (String key : keys("2025-01-10", "2025-01-15").split("\n")) {
            listing.append(key).append(".sha256\n").append(key).append('\n').append(key).append(".verified\n");
        }

        Result r = run(listing.toString());

        assertThat(r.status()).isZero();
        assertThat(r.lines()).hasSize(6).allMatch(l -> l.startsWith("keep "));
    }

    @Test
    void inputWithoutBackupsSaysSoAndFails() {
        for (String input : List.of("", "\n  \n", "backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz.sha256\n")) {
            Result r = run(input, "--keep-last", "3");

            assertThat(r.status()).isEqualTo(1);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).contains("read no backups on stdin: pipe backup keys or instants, one per line");
        }
    }
}
