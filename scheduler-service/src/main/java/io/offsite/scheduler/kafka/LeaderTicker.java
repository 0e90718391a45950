package io.offsite.scheduler.kafka;

import io.offsite.scheduler.runs.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the scheduler's tick at a fixed interval while this replica leads and has caught up, and at once when
 * {@link #nudge() nudged} (the event-log reader does after folding completions, so a dependent or a retry is
 * decided when its cause arrives, not at the next tick). Ticks never overlap: they share one thread.
 */
class LeaderTicker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeaderTicker.class);

    private final Scheduler scheduler;
    private final LeadershipElector elector;
    private final Duration interval;
    private volatile ScheduledExecutorService executor;
    private volatile RuntimeException lastFailure;
    /** Set while a nudged tick is queued: any number of nudges before it runs make one tick. */
    private final AtomicBoolean nudged = new AtomicBoolean();

    LeaderTicker(Scheduler scheduler, LeadershipElector elector, Duration interval) {
        this.scheduler = scheduler;
        this.elector = elector;
        this.interval = interval;
    }

    @Override
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scheduler-tick");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Decides now, on the tick thread, what the events folded so far make due; a no-op while stopped. */
    void nudge() {
        ScheduledExecutorService ticks = executor;
        if (ticks == null || !nudged.compareAndSet(false, true)) {
            return;
        }
        try {
            ticks.execute(() -> {
                nudged.set(false);
                tick();
            });
        } catch (RejectedExecutionException e) {
            nudged.set(false); // stopping
        }
    }

    private void tick() {
        if (!elector.readyToLead()) {
            return;
        }
        try {
            scheduler.tick(elector::leading);
            lastFailure = null;
        } catch (PublishFailedException e) {
            // nothing was folded into the state: the same decision is taken again on the next tick
            log.warn("Publishing a decision failed, retrying on the next tick: {}", e.getMessage(), e);
        } catch (RuntimeException e) {
            // an exception would cancel the periodic task silently: keep ticking, surface it in health
            lastFailure = e;
            log.error("Scheduler tick failed", e);
        }
    }

    /** The unexpected failure of the latest tick, or null once a tick succeeds. */
    RuntimeException lastFailure() {
        return lastFailure;
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    @Override
    public int getPhase() {
        return LeadershipElector.PHASE + 10;
    }
}
