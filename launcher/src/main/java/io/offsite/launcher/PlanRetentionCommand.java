package io.offsite.launcher;

import io.offsite.worker.retention.Backup;
import io.offsite.worker.retention.Decision;
import io.offsite.worker.retention.RetentionDuration;
import io.offsite.worker.retention.RetentionPlan;
import io.offsite.worker.retention.RetentionPolicy;
import io.offsite.worker.retention.Semantics;
import io.offsite.worker.artifact.BackupKeys;
import io.offsite.worker.artifact.BackupNames;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code offsite plan-retention}: reads one backup per line (an ISO-8601 instant, or an object key holding the
 * original's timestamp form) and prints, in input order, {@code keep <line> <reasons>} or {@code delete <line>} for
 * each. Deletes nothing, and starts nothing but the policy: no Spring, no Kafka. Lines naming a sidecar
 * ({@link BackupKeys#SIDECAR_SUFFIXES}) are never backups: they are skipped and counted on stderr, so a raw bucket
 * listing plans only its backups. Lines it cannot read are reported on stderr with their numbers, and no plan is
 * printed; so is input that holds no backup at all.
 */
@Command(name = "plan-retention", header = "read backups (instants or keys) on stdin, print keep/delete per line; deletes nothing",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Read backups on stdin, one per line: an ISO-8601 instant (2025-01-15T00:00:00Z) or a name holding the backup timestamp",
            "(pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz). Print one line per backup, in input order: 'keep <line> <reasons>'",
            "or 'delete <line>'. Blank lines are skipped, and so are lines naming a sidecar (the checksum and verification records beside a backup: never a backup),",
            "counted on stderr. Nothing is deleted. A backup dated more than 5 minutes after now is printed 'keep <line> future-dated':",
            "it is kept, fills no slot of any rule, and is named on stderr.",
            "Without any --keep-* option the default policy applies: --keep-daily 7 --keep-weekly 4 --keep-monthly 3 --minimum 5.",
            "Counts: a whole number, -1 or 'unlimited' keeps all, 0 is off."},
        footerHeading = "%n", footer = "Exit status: 0 plan printed, 1 unreadable input lines or no backups at all, 2 bad options.")
final class PlanRetentionCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int BAD_INPUT = 1;

    static final String NO_BACKUPS = "read no backups on stdin: pipe backup keys or instants, one per line";

    @Spec
    CommandSpec spec;

    @Option(names = "--semantics", paramLabel = "calendar|restic", converter = SemanticsConverter.class,
            description = "calendar (default: the first backup of a period represents it, weeks start on Sunday) or restic (restic forget: "
                    + "the last backup represents it, ISO weeks, oldest kept too)")
    Semantics semantics;

    @Option(names = "--zone", paramLabel = "ZONE", converter = ZoneConverter.class,
            description = "time zone whose calendar defines days, weeks, months (default: UTC)")
    ZoneId zone;

    @Option(names = "--keep-last", paramLabel = "N", converter = Count.class, description = "the newest N backups")
    Integer last;

    @Option(names = "--keep-hourly", paramLabel = "N", converter = Count.class, description = "one backup for each of the last N hours")
    Integer hourly;

    @Option(names = "--keep-daily", paramLabel = "N", converter = Count.class, description = "one backup for each of the last N days")
    Integer daily;

    @Option(names = "--keep-weekly", paramLabel = "N", converter = Count.class, description = "one backup for each of the last N weeks")
    Integer weekly;

    @Option(names = "--keep-monthly", paramLabel = "N", converter = Count.class, description = "one backup for each of the last N months")
    Integer monthly;

    @Option(names = "--keep-yearly", paramLabel = "N", converter = Count.class, description = "one backup for each of the last N years")
    Integer yearly;

    @Option(names = "--keep-within", paramLabel = "DURATION", converter = WithinConverter.class,
            description = "keep backups taken within DURATION (e.g. 7d, 1y2m3d4h) before the newest one")
    RetentionDuration within;

    @Option(names = "--minimum", paramLabel = "N", converter = Count.class, description = "never keep fewer than N backups")
    Integer minimum;

    private final Reader in;
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    PlanRetentionCommand(PrintStream out, PrintStream err) {
        this(new InputStreamReader(System.in, StandardCharsets.UTF_8), out, err, Clock.systemUTC());
    }

    /** @param clock tells which backups are stamped in the future */
    PlanRetentionCommand(Reader in, PrintStream out, PrintStream err, Clock clock) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        RetentionPolicy policy;
        try {
            policy = policy();
        } catch (IllegalArgumentException | DateTimeException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        List<String> lines = new ArrayList<>();
        List<Backup> backups = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Integer> firstSeen = new HashMap<>();
        int sidecars = 0;
        try (BufferedReader reader = new BufferedReader(in, 1 << 16)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                if (BackupKeys.isSidecar(line.strip())) {
                    sidecars++;
                    continue;
                }
                Optional<Instant> time = BackupNames.timestamp(line);
                Integer earlier = firstSeen.putIfAbsent(line, number);
                if (time.isEmpty()) {
                    problems.add("line " + number + ": no backup timestamp in '" + line + "'");
                } else if (earlier != null) {
                    problems.add("line " + number + ": '" + line + "' repeats line " + earlier);
                } else {
                    lines.add(line);
                    backups.add(new Backup(line, time.get()));
                }
            }
        } catch (IOException e) {
            err.println("offsite plan-retention: cannot read the backups: " + e.getMessage());
            return BAD_INPUT;
        }
        if (sidecars > 0) {
            err.println("offsite plan-retention: ignored " + sidecars + " sidecar line(s) (" + String.join(", ",
                    BackupKeys.SIDECAR_SUFFIXES.stream().map(suffix -> "*" + suffix).toList()) + "): they are not backups");
        }
        if (!problems.isEmpty()) {
            problems.forEach(err::println);
            err.println("offsite plan-retention: " + problems.size() + " line(s) could not be read; no plan");
            return BAD_INPUT;
        }
        if (backups.isEmpty()) {
            err.println("offsite plan-retention: " + NO_BACKUPS);
            return BAD_INPUT;
        }
        Instant now = clock.instant();
        RetentionPlan plan = policy.apply(backups, now);
        // one buffered writer: a line at a time through an auto-flushing stream costs a write per line
        PrintWriter plain = new PrintWriter(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16), false);
        for (String line : lines) {
            Decision d = plan.decision(line).orElseThrow();
            if (d.keep()) {
                plain.append("keep ").append(line).append(' ').append(d.reasonLabels()).append('\n');
            } else {
                plain.append("delete ").append(line).append('\n');
            }
        }
        plain.flush();
        List<Backup> future = plan.futureDated();
        if (!future.isEmpty()) {
            err.println("offsite plan-retention: " + future.size() + " backup(s) dated after " + now.plus(RetentionPolicy.FUTURE_SKEW)
                    + " are future-dated: kept, in no rule's slot: " + String.join(", ", future.stream().map(Backup::id).toList()));
        }
        return OK;
    }

    /** The policy the options describe: the original default when no --keep-* option is given. */
    RetentionPolicy policy() {
        RetentionPolicy.Builder builder = RetentionPolicy.builder();
        if (semantics != null) {
            builder.semantics(semantics);
        }
        if (zone != null) {
            builder.zone(zone);
        }
        if (last != null) {
            builder.last(last);
        }
        if (hourly != null) {
            builder.hourly(hourly);
        }
        if (daily != null) {
            builder.daily(daily);
        }
        if (weekly != null) {
            builder.weekly(weekly);
        }
        if (monthly != null) {
            builder.monthly(monthly);
        }
        if (yearly != null) {
            builder.yearly(yearly);
        }
        if (within != null) {
            builder.within(within);
        }
        if (minimum != null) {
            builder.minimum(minimum);
        }
        boolean anyRule = last != null || hourly != null || daily != null || weekly != null || monthly != null || yearly != null
                || within != null;
        if (!anyRule) {
            builder.daily(7).weekly(4).monthly(3);
            if (minimum == null) {
                builder.minimum(5);
            }
        }
        return builder.build();
    }

    /** A count: a whole number, or {@code unlimited}. */
    static final class Count implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            if (value.equalsIgnoreCase("unlimited")) {
                return RetentionPolicy.UNLIMITED;
            }
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("needs a whole number or 'unlimited', not '" + value + "'");
            }
        }
    }

    static final class SemanticsConverter implements ITypeConverter<Semantics> {
        @Override
        public Semantics convert(String value) {
            try {
                return Semantics.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ZoneConverter implements ITypeConverter<ZoneId> {
        @Override
        public ZoneId convert(String value) {
            try {
                return ZoneId.of(value);
            } catch (DateTimeException e) {
                throw new TypeConversionException("not a time zone: '" + value + "' (" + e.getMessage() + "); e.g. UTC or Europe/Berlin");
            }
        }
    }

    static final class WithinConverter implements ITypeConverter<RetentionDuration> {
        @Override
        public RetentionDuration convert(String value) {
            try {
                return RetentionDuration.parse(value);
            } catch (IllegalArgumentException | DateTimeException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
