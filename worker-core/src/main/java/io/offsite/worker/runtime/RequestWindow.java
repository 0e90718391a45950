package io.offsite.worker.runtime;

import io.offsite.worker.settings.WorkerProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When a request may run, and until when: its {@code scheduledFor} must lie in {@code [now - maxLag, now + maxSkew]}
 * (a request dated in the future would name tomorrow's backup today; one from long ago is a replay), and its run
 * ends at {@code min(deadline, now + maxRunTime)} whatever deadline the request names, so that no run outlives the
 * consumer's poll interval and is handed to a second instance.
 */
public final class RequestWindow {

    private final Duration maxLag;
    private final Duration maxSkew;
    private final Duration maxRunTime;
    private final Duration defaultTimeout;

    public RequestWindow(Duration maxLag, Duration maxSkew, Duration maxRunTime, Duration defaultTimeout) {
        this.maxLag = Objects.requireNonNull(maxLag);
        this.maxSkew = Objects.requireNonNull(maxSkew);
        this.maxRunTime = Objects.requireNonNull(maxRunTime);
        this.defaultTimeout = Objects.requireNonNull(defaultTimeout);
        if (maxLag.isNegative() || maxSkew.isNegative() || maxRunTime.isNegative() || maxRunTime.isZero()
                || defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new IllegalArgumentException("window durations must not be negative, run times must be positive");
        }
    }

    public static RequestWindow of(WorkerProperties properties) {
        return new RequestWindow(properties.maxLag(), properties.maxSkew(), properties.maxRunTime(), properties.defaultTimeout());
    }

    /** Why {@code scheduledFor} is refused at {@code now} (window and value), or empty when it lies in the window. */
    public Optional<String> refuseScheduledFor(Instant scheduledFor, Instant now) {
        Instant earliest = now.minus(maxLag);
        Instant latest = now.plus(maxSkew);
        if (scheduledFor == null) {
            return Optional.of("the request has no scheduledFor; it must lie in [" + earliest + ", " + latest + "]");
        }
        if (scheduledFor.isBefore(earliest)) {
            return Optional.of("scheduledFor " + scheduledFor + " is more than " + maxLag + " (offsite.worker.max-lag) before now: "
                    + "it must lie in [" + earliest + ", " + latest + "]");
        }
        if (scheduledFor.isAfter(latest)) {
            return Optional.of("scheduledFor " + scheduledFor + " is more than " + maxSkew + " (offsite.worker.max-skew) after now: "
                    + "it must lie in [" + earliest + ", " + latest + "]");
        }
        return Optional.empty();
    }

    /**
     * The deadline a run started at {@code now} is held to: the request's deadline ({@code now + defaultTimeout}
     * when it names none), but never later than {@code now + maxRunTime}.
     */
    public Instant deadline(Instant requested, Instant now) {
        Instant wanted = requested != null ? requested : now.plus(defaultTimeout);
        Instant cap = now.plus(maxRunTime);
        return wanted.isAfter(cap) ? cap : wanted;
    }

    public Duration maxRunTime() {
        return maxRunTime;
    }
}
