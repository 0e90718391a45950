package io.offsite.scheduler.kafka;

import io.offsite.scheduler.runs.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/** Runs the scheduler's tick at a fixed interval while this replica leads and has caught up. */
class LeaderTicker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeaderTicker.class);

    private final Scheduler scheduler;
    private final LeadershipElector elector;
    private final Duration interval;
    private ScheduledExecutorService executor;
    private volatile RuntimeException lastFailure;

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
