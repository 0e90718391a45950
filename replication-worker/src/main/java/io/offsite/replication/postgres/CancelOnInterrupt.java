package io.offsite.replication.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;

/**
 * Stops what a run's connection is doing once the run's thread is interrupted (deadline, shutdown). A thread blocked
 * reading a socket ignores interrupts, so a statement waiting for a lock would go on after the run was given up: this
 * watch looks at the thread every {@value #POLL_MILLIS} ms and, once it is interrupted, asks the server to cancel the
 * running statement (again every second, in case a cancel came between two statements); should the run still hold the
 * connection {@link #ABORT_AFTER} later (a server that does not answer), it aborts the connection, which ends any
 * blocked read at once. The thread sees the failed statement and the run ends; its connection is closed, never kept.
 *
 * <p>One timer thread serves every run; a run costs one check every {@value #POLL_MILLIS} ms, nothing per row.
 */
public final class CancelOnInterrupt implements AutoCloseable {

    static final long POLL_MILLIS = 100;
    private static final long CANCEL_EVERY = 10;
    static final Duration ABORT_AFTER = Duration.ofSeconds(5);

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "replication-cancel");
        t.setDaemon(true);
        return t;
    });

    private final Thread owner;
    private final Connection connection;
    private final ScheduledFuture<?> poll;
    private volatile boolean fired;
    private long ticksSinceFired;
    private boolean closed;

    private CancelOnInterrupt(Thread owner, Connection connection) {
        this.owner = owner;
        this.connection = connection;
        this.poll = TIMER.scheduleWithFixedDelay(this::check, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Watches {@code connection} on behalf of the calling thread until closed. */
    public static CancelOnInterrupt watch(Connection connection) {
        return new CancelOnInterrupt(Thread.currentThread(), connection);
    }

    /** Whether the run's thread was interrupted and its statements cancelled: the connection must not be reused. */
    public boolean fired() {
        return fired;
    }

    private synchronized void check() {
        if (closed) {
            return;
        }
        if (!fired && !owner.isInterrupted()) {
            return;
        }
        fired = true;
        long tick = ticksSinceFired++;
        try {
            if (tick * POLL_MILLIS >= ABORT_AFTER.toMillis()) {
                connection.abort(Runnable::run);
                closed = true;
                poll.cancel(false);
            } else if (tick % CANCEL_EVERY == 0) {
                connection.unwrap(PGConnection.class).cancelQuery();
            }
        } catch (SQLException | RuntimeException e) {
            // the connection is going away anyway; the run's thread sees its statement fail
        }
    }

    /** Stops watching; once this returns no cancel is under way or will follow. */
    @Override
    public void close() {
        poll.cancel(false);
        synchronized (this) {
            closed = true;
        }
    }
}
