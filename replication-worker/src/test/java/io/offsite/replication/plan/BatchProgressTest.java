package io.offsite.replication.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchProgressTest {

    /** A clock the test moves. */
    static final class SettableClock extends Clock {
        Instant now = Instant.parse("2025-01-15T04:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void printsTheFirstBatchesThenASummaryLikeTheOriginal() {
        SettableClock clock = new SettableClock();
        BatchProgress progress = new BatchProgress(150, "cards", 2, Duration.ofSeconds(10), clock);
        List<String> lines = new ArrayList<>();
        for (int b = 1; b <= 150; b++) {
            lines.addAll(progress.batchDone(b, 100, 0));
        }
        assertThat(lines).containsExactly("  Batch 1/150: 100 cards synced", "  Batch 2/150: 100 cards synced", "  ... (148 more batches)");
        assertThat(progress.synced()).isEqualTo(15_000);
    }

    @Test
    void longTablesReportEveryIntervalAndFailedBatchesAlways() {
        SettableClock clock = new SettableClock();
        BatchProgress progress = new BatchProgress(10_000, "cards", 2, Duration.ofSeconds(10), clock);
        List<String> lines = new ArrayList<>();
        for (int b = 1; b <= 10_000; b++) {
            clock.now = clock.now.plusMillis(3);
            lines.addAll(progress.batchDone(b, b == 7 ? 99 : 100, b == 7 ? 1 : 0));
        }
        assertThat(lines).startsWith("  Batch 1/10000: 100 cards synced", "  Batch 2/10000: 100 cards synced", "  ... (9998 more batches)",
                "  Batch 7/10000: 99 cards synced, 1 failed");
        assertThat(lines).contains("  Batch 3341/10000: 334099 cards synced so far (33%)");
        assertThat(lines).hasSize(4 + 2);
        assertThat(progress.failed()).isEqualTo(1);
    }
}
