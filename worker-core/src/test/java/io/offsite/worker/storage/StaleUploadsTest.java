package io.offsite.worker.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The age rule of the stale upload sweep, with fixed instants. */
class StaleUploadsTest {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final Duration MAX_AGE = Duration.ofMinutes(50);

    @ParameterizedTest(name = "dated {0} before now: stale {1}")
    @CsvSource({
            "PT0S, false",           // started just now: an upload in flight
            "PT49M59.999S, false",   // within the longest run
            "PT50M, false",          // exactly the longest run: not yet
            "PT50M0.001S, true",     // past it: no run can still be going
            "PT3H, true",
            "-PT2M, false",          // dated in the future (the store's clock runs ahead): never stale
    })
    void anUploadIsStaleOnlyPastTheLongestRun(Duration before, boolean stale) {
        assertThat(StaleUploads.isStale(NOW.minus(before), NOW, MAX_AGE)).isEqualTo(stale);
    }

    @Test
    void anUndatedUploadIsNeverStale() {
        assertThat(StaleUploads.isStale(null, NOW, MAX_AGE)).isFalse();
    }

    @Test
    void theAgeIsTheLongestRunItsCleanupAndTheMargin() {
        assertThat(StaleUploads.maxAge(Duration.ofMinutes(35), Duration.ofSeconds(30), Duration.ofMinutes(15)))
                .isEqualTo(Duration.ofMinutes(50).plusSeconds(30));
    }

    @Test
    void aZeroAgeIsRefused() {
        assertThatThrownBy(() -> new StaleUploads(null, null, Duration.ZERO, new SimpleMeterRegistry()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    }

    @Test
    void settingsDefaultAndRefuseNegatives() {
        StaleUploadProperties defaults = new StaleUploadProperties(false, null, null);
        assertThat(defaults.interval()).isEqualTo(Duration.ofMinutes(30));
        assertThat(defaults.margin()).isEqualTo(Duration.ofMinutes(15));
        assertThatThrownBy(() -> new StaleUploadProperties(true, Duration.ofMinutes(-1), null)).isInstanceOf(IllegalArgumentException.class);
    }
}
