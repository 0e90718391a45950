package io.offsite.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RequestWindowTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
    static final Instant NOW = CLOCK.instant();
    final RequestWindow window = new RequestWindow(Duration.ofDays(7), Duration.ofMinutes(5), Duration.ofMinutes(35), Duration.ofMinutes(10));

    @Test
    void scheduledForInsideTheWindowIsAcceptedUpToBothEdges() {
        assertThat(window.refuseScheduledFor(NOW, NOW)).isEmpty();
        assertThat(window.refuseScheduledFor(NOW.minus(Duration.ofDays(7)), NOW)).isEmpty();
        assertThat(window.refuseScheduledFor(NOW.plus(Duration.ofMinutes(5)), NOW)).isEmpty();
    }

    @Test
    void scheduledForTooFarInTheFutureIsRefusedWithTheWindowAndTheValue() {
        Instant future = NOW.plus(Duration.ofMinutes(5)).plusMillis(1);
        assertThat(window.refuseScheduledFor(future, NOW)).hasValueSatisfying(reason -> assertThat(reason)
                .contains(future.toString()).contains("max-skew")
                .contains("[2025-05-25T12:00:00Z, 2025-06-01T12:05:00Z]"));
        assertThat(window.refuseScheduledFor(Instant.parse("9999-01-01T00:00:00Z"), NOW)).isPresent();
    }

    @Test
    void scheduledForTooLongAgoIsRefused() {
        Instant old = NOW.minus(Duration.ofDays(7)).minusMillis(1);
        assertThat(window.refuseScheduledFor(old, NOW)).hasValueSatisfying(reason -> assertThat(reason)
                .contains(old.toString()).contains("max-lag").contains("must lie in [2025-05-25T12:00:00Z"));
        assertThat(window.refuseScheduledFor(Instant.EPOCH, NOW)).isPresent();
        assertThat(window.refuseScheduledFor(null, NOW)).isPresent();
    }

    @Test
    void deadlineIsTheRequestsUnlessItLiesPastTheMaximumRunTime() {
        assertThat(window.deadline(NOW.plusSeconds(60), NOW)).isEqualTo(NOW.plusSeconds(60));
        assertThat(window.deadline(NOW.minusSeconds(1), NOW)).as("a passed deadline stays passed").isEqualTo(NOW.minusSeconds(1));
        assertThat(window.deadline(Instant.parse("3000-01-01T00:00:00Z"), NOW)).isEqualTo(NOW.plus(Duration.ofMinutes(35)));
        assertThat(window.deadline(NOW.plus(Duration.ofMinutes(36)), NOW)).isEqualTo(NOW.plus(Duration.ofMinutes(35)));
    }

    @Test
    void requestWithoutDeadlineGetsTheDefaultTimeoutAlsoCapped() {
        assertThat(window.deadline(null, NOW)).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
        RequestWindow longDefault = new RequestWindow(Duration.ofDays(7), Duration.ofMinutes(5), Duration.ofMinutes(35), Duration.ofHours(2));
        assertThat(longDefault.deadline(null, NOW)).isEqualTo(NOW.plus(Duration.ofMinutes(35)));
    }
}
