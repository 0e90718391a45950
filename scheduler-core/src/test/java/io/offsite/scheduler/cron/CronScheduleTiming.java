package io.offsite.scheduler.cron;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * A rough timing of {@link CronSchedule#next(Instant)} for common and rare expressions: 100,000
 * calls each from instants spread over about eight years, best of five rounds after a warm-up.
 * Not a test (nothing to assert about timing on a shared machine); run it by hand:
 * {@code java -cp target/classes:target/test-classes io.offsite.scheduler.cron.CronScheduleTiming}.
 */
public final class CronScheduleTiming {

    private static final int CALLS = 100_000;
    private static final Instant BASE = Instant.parse("2025-01-01T00:00:00Z");
    private static final long SPREAD_SECONDS = 2_537L;

    private CronScheduleTiming() {
    }

    public static void main(String[] args) {
        List<String> expressions = args.length > 0 ? List.of(args) : List.of(
                "0 0 * * *", "*/5 * * * *", "30 2 * * 0", "*/10 * * * * *", "0 2 * * 1-5", "0 0 1 * *",
                "0 0 */31 1 SUN", "0 0 29 2 */7");
        for (String zone : List.of("UTC", "Europe/Berlin")) {
            for (String expression : expressions) {
                CronSchedule schedule = CronSchedule.parse(expression, ZoneId.of(zone));
                long sink = 0;
                for (int warmup = 0; warmup < 3; warmup++) {
                    sink += round(schedule);
                }
                long best = Long.MAX_VALUE;
                for (int round = 0; round < 5; round++) {
                    long start = System.nanoTime();
                    sink += round(schedule);
                    best = Math.min(best, System.nanoTime() - start);
                }
                System.out.printf("%-16s %-14s %8.1f ms per %d calls, %6.0f ns per call  (%d)%n",
                        expression, zone, best / 1e6, CALLS, (double) best / CALLS, sink % 10);
            }
        }
    }

    private static long round(CronSchedule schedule) {
        long sum = 0;
        for (int i = 0; i < CALLS; i++) {
            Instant next = schedule.next(BASE.plusSeconds(i * SPREAD_SECONDS));
            sum += next == null ? 0 : next.getEpochSecond();
        }
        return sum;
    }
}
