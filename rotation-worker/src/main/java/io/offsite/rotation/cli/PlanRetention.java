package io.offsite.rotation.cli;

import io.offsite.rotation.policy.Backup;
import io.offsite.worker.artifact.BackupKeys;
import io.offsite.worker.artifact.BackupNames;
import io.offsite.rotation.policy.Decision;
import io.offsite.rotation.policy.RetentionDuration;
import io.offsite.rotation.policy.RetentionPlan;
import io.offsite.rotation.policy.RetentionPolicy;
import io.offsite.rotation.policy.Semantics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
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

/**
 * {@code plan-retention}: reads one backup per line (an ISO-8601 instant, or an object key holding the original's
 * timestamp form) and prints, in input order, {@code keep <line> <reasons>} or {@code delete <line>} for each.
 * Deletes nothing. Lines naming a sidecar ({@link BackupKeys#SIDECAR_SUFFIXES}) are never backups: they are skipped
 * and counted on stderr, so a raw bucket listing plans only its backups. Lines it cannot read are reported on stderr
 * with their numbers, and no plan is printed; so is input that holds no backup at all.
 */
public final class PlanRetention {

    static final int OK = 0;
    static final int BAD_INPUT = 1;
    static final int USAGE = 2;

    static final String NO_BACKUPS = "read no backups on stdin: pipe backup keys or instants, one per line";

    static final String USAGE_TEXT = """
            usage: plan-retention [--semantics calendar|restic] [--zone ZONE] [--keep-last N] [--keep-hourly N]
                                  [--keep-daily N] [--keep-weekly N] [--keep-monthly N] [--keep-yearly N]
                                  [--keep-within DURATION] [--minimum N] < backups

            Reads one backup per line on stdin: an ISO-8601 instant (2025-01-15T00:00:00Z) or a name holding the
            backup timestamp (pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz). Prints one line per backup, in
            input order: 'keep <line> <reasons>' or 'delete <line>'. Blank lines are skipped, and so are lines naming
            a sidecar (%s: never a backup), counted on stderr. Nothing is deleted.
            A backup dated more than 5 minutes after now is printed 'keep <line> future-dated': it is kept, fills no
            slot of any rule, and is named on stderr.

              --semantics   calendar (default: the first backup of a period represents it, weeks start on Sunday)
                            or restic (restic forget: the last backup represents it, ISO weeks, oldest kept too)
              --zone        time zone whose calendar defines days, weeks, months (default UTC)
              --keep-*      counts; -1 or 'unlimited' keeps all; without any --keep-* option the default policy
                            applies: --keep-daily 7 --keep-weekly 4 --keep-monthly 3 --minimum 5
              --keep-within keep backups taken within DURATION (e.g. 7d, 1y2m3d4h) before the newest one
              --minimum     never keep fewer than N backups

            Exit status: 0 plan printed, 1 unreadable input lines or no backups at all, 2 bad options.
            """.formatted(sidecarPatterns());

    private PlanRetention() {
    }

    /** {@code *.sha256, *.verified}: the names of sidecar lines. */
    private static String sidecarPatterns() {
        return String.join(", ", BackupKeys.SIDECAR_SUFFIXES.stream().map(suffix -> "*" + suffix).toList());
    }

    public static void main(String[] args) {
        int status = run(args, new InputStreamReader(System.in, StandardCharsets.UTF_8), System.out, System.err, Clock.systemUTC());
        System.out.flush();
        System.exit(status);
    }

    /** Runs the command; returns its exit status. {@code clock} tells which backups are stamped in the future. */
    public static int run(String[] args, Reader in, PrintStream out, PrintStream err, Clock clock) {
        RetentionPolicy policy;
        try {
            Optional<RetentionPolicy> parsed = parse(args);
            if (parsed.isEmpty()) {
                out.print(USAGE_TEXT);
                return OK;
            }
            policy = parsed.get();
        } catch (IllegalArgumentException | DateTimeException e) {
            err.println("plan-retention: " + e.getMessage());
            err.print(USAGE_TEXT);
            return USAGE;
        }
        List<String> lines = new ArrayList<>();
        List<Backup> backups = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Integer> firstSeen = new HashMap<>();
        int sidecars = 0;
        try (BufferedReader reader = new BufferedReader(in)) {
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
            err.println("plan-retention: cannot read the backups: " + e.getMessage());
            return BAD_INPUT;
        }
        if (sidecars > 0) {
            err.println("plan-retention: ignored " + sidecars + " sidecar line(s) (" + sidecarPatterns() + "): they are not backups");
        }
        if (!problems.isEmpty()) {
            problems.forEach(err::println);
            err.println("plan-retention: " + problems.size() + " line(s) could not be read; no plan");
            return BAD_INPUT;
        }
        if (backups.isEmpty()) {
            err.println("plan-retention: " + NO_BACKUPS);
            return BAD_INPUT;
        }
        Instant now = clock.instant();
        RetentionPlan plan = policy.apply(backups, now);
        for (String line : lines) {
            Decision d = plan.decision(line).orElseThrow();
            out.println(d.keep() ? "keep " + line + " " + d.reasonLabels() : "delete " + line);
        }
        List<Backup> future = plan.futureDated();
        if (!future.isEmpty()) {
            err.println("plan-retention: " + future.size() + " backup(s) dated after " + now.plus(RetentionPolicy.FUTURE_SKEW)
                    + " are future-dated: kept, in no rule's slot: " + String.join(", ", future.stream().map(Backup::id).toList()));
        }
        return OK;
    }

    /** The policy the options describe, or empty when help was asked for. */
    static Optional<RetentionPolicy> parse(String[] args) {
        RetentionPolicy.Builder builder = RetentionPolicy.builder();
        boolean anyRule = false;
        boolean minimumGiven = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                return Optional.empty();
            }
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(arg.startsWith("--") ? "option " + arg + " needs a value" : "unexpected argument '" + arg + "'");
            }
            switch (name) {
                case "--semantics" -> builder.semantics(Semantics.parse(value));
                case "--zone" -> builder.zone(ZoneId.of(value));
                case "--keep-last" -> builder.last(count(name, value));
                case "--keep-hourly" -> builder.hourly(count(name, value));
                case "--keep-daily" -> builder.daily(count(name, value));
                case "--keep-weekly" -> builder.weekly(count(name, value));
                case "--keep-monthly" -> builder.monthly(count(name, value));
                case "--keep-yearly" -> builder.yearly(count(name, value));
                case "--keep-within" -> builder.within(RetentionDuration.parse(value));
                case "--minimum" -> {
                    builder.minimum(count(name, value));
                    minimumGiven = true;
                }
                default -> throw new IllegalArgumentException("unknown option '" + name + "'");
            }
            anyRule |= name.startsWith("--keep-");
        }
        if (!anyRule) {
            builder.daily(7).weekly(4).monthly(3);
            if (!minimumGiven) {
                builder.minimum(5);
            }
        }
        return Optional.of(builder.build());
    }

    private static int count(String option, String value) {
        if (value.equalsIgnoreCase("unlimited")) {
            return RetentionPolicy.UNLIMITED;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number or 'unlimited', not '" + value + "'", e);
        }
    }
}
