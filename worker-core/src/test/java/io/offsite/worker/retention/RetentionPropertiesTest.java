package io.offsite.worker.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invariants of every plan, checked on random timelines (bursts, gaps, equal instants, DST zones) and random policies of
 * both semantics. Each case is reproducible from its seed.
 */
class RetentionPropertiesTest {

    static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"), ZoneId.of("America/New_York"),
            ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Pacific/Chatham"), ZoneId.of("Asia/Kolkata"));

    static Stream<Long> seeds() {
        return IntStream.range(0, 400).mapToObj(i -> 0x5EED0000L + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyPlanPartitionsItsInputKeepsTheNewestAndTheMinimumAndIsDeterministic(long seed) {
        Random random = new Random(seed);
        List<Backup> backups = timeline(random);
        RetentionPolicy policy = policy(random);

        RetentionPlan plan = policy.apply(backups);

        Set<String> kept = ids(plan.kept());
        Set<String> deleted = ids(plan.deleted());
        assertThat(Collections.disjoint(kept, deleted)).as("kept and deleted are disjoint").isTrue();
        Set<String> union = new HashSet<>(kept);
        union.addAll(deleted);
        assertThat(union).as("kept ∪ deleted = input").isEqualTo(ids(backups));
        assertThat(plan.kept().size() + plan.deleted().size()).isEqualTo(backups.size());
        if (!backups.isEmpty()) {
            Backup newest = Collections.max(backups, java.util.Comparator.comparing(Backup::time).thenComparing(Backup::id));
            assertThat(kept).as("the newest backup is kept").contains(newest.id());
        }
        assertThat(plan.kept().size()).as("at least the minimum is kept").isGreaterThanOrEqualTo(Math.min(policy.minimum(), backups.size()));
        plan.decisions().stream().filter(Decision::keep).forEach(d -> assertThat(d.reasons()).doesNotHaveDuplicates());

        List<Backup> shuffled = new ArrayList<>(backups);
        Collections.shuffle(shuffled, random);
        assertThat(policy.apply(shuffled).decisions()).as("same plan whatever the input order").isEqualTo(plan.decisions());
        assertThat(policy.apply(backups).decisions()).as("same plan twice").isEqualTo(plan.decisions());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aPeriodRuleKeepsOneBackupPerPeriodUpToItsCount(long seed) {
        Random random = new Random(seed);
        List<Backup> backups = timeline(random);
        RetentionPolicy base = policy(random);
        int count = random.nextInt(8) + 1;
        RetentionPolicy daily = new RetentionPolicy(base.semantics(), base.zone(), 0, 0, count, 0, 0, 0, null, 0);

        RetentionPlan plan = daily.apply(backups);

        long days = backups.stream().map(b -> b.time().atZone(daily.zone()).toLocalDate()).distinct().count();
        long byDaily = plan.decisions().stream().filter(d -> d.keptBy(Rule.DAILY)).count();
        long distinctDays = plan.decisions().stream().filter(d -> d.reasons().contains(Reason.of(Rule.DAILY)))
                .map(d -> d.backup().time().atZone(daily.zone()).toLocalDate()).distinct().count();
        assertThat(distinctDays).as("plain daily keeps are one per day").isEqualTo(
                plan.decisions().stream().filter(d -> d.reasons().contains(Reason.of(Rule.DAILY))).count());
        if (daily.semantics() == Semantics.CALENDAR) {
            assertThat(byDaily).isEqualTo(Math.min(count, days));
        } else {
            // restic: one per day while count lasts, plus the oldest backup when count is left over
            assertThat(byDaily).isBetween(Math.min(count, days), Math.min(count, days) + 1);
        }
    }

    static Set<String> ids(List<Backup> backups) {
        Set<String> ids = new HashSet<>();
        backups.forEach(b -> ids.add(b.id()));
        return ids;
    }

    /** 0–250 backups over up to three years: regular series, bursts of several a day, gaps, duplicates of one instant. */
    static List<Backup> timeline(Random random) {
        int n = random.nextInt(251);
        Instant start = Instant.parse("2019-06-01T00:00:00Z").plus(random.nextInt(1500), ChronoUnit.DAYS);
        List<Backup> backups = new ArrayList<>();
        Instant t = start;
        long[] steps = {3600, 6 * 3600, 86400, 86400, 86400, 7 * 86400, 31 * 86400};
        long step = steps[random.nextInt(steps.length)];
        for (int i = 0; i < n; i++) {
            int shape = random.nextInt(20);
            long advance = shape == 0 ? 0 : shape == 1 ? step * (2 + random.nextInt(20)) : shape == 2 ? random.nextInt(3600) : step;
            t = t.plusSeconds(advance + (random.nextBoolean() ? 0 : random.nextInt(600)));
            backups.add(new Backup("backup-" + i, t));
        }
        return backups;
    }

    static RetentionPolicy policy(Random random) {
        while (true) {
            int[] c = new int[6];
            for (int i = 0; i < c.length; i++) {
                int roll = random.nextInt(10);
                c[i] = roll < 5 ? 0 : roll == 5 ? -1 : random.nextInt(12) + 1;
            }
            RetentionDuration within = random.nextInt(4) == 0
                    ? new RetentionDuration(random.nextInt(2), random.nextInt(3), random.nextInt(40), random.nextInt(30))
                    : RetentionDuration.ZERO;
            boolean empty = c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] == 0 && c[4] == 0 && c[5] == 0 && within.isZero();
            if (!empty) {
                return new RetentionPolicy(random.nextBoolean() ? Semantics.CALENDAR : Semantics.RESTIC,
                        ZONES.get(random.nextInt(ZONES.size())), c[0], c[1], c[2], c[3], c[4], c[5], within, random.nextInt(12));
            }
        }
    }
}
