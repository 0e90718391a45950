package io.offsite.replication.connection;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Connections kept between runs: one per key, each closed once it has been idle for {@code keepIdle}. With a zero
 * {@code keepIdle} nothing is kept and every handed-back connection is closed.
 */
public final class IdleConnections<K> implements AutoCloseable {

    private record Idle(Connection connection, ScheduledFuture<?> expiry) {
    }

    private final Duration keepIdle;
    private final String threadName;
    private final Map<K, Idle> idle = new HashMap<>();
    private ScheduledExecutorService closer;
    private boolean closed;

    public IdleConnections(Duration keepIdle, String threadName) {
        this.keepIdle = keepIdle == null || keepIdle.isNegative() ? Duration.ZERO : keepIdle;
        this.threadName = threadName;
    }

    /** The connection kept under {@code key}, if any; the caller owns it from now on. */
    public synchronized Connection take(K key) {
        Idle kept = idle.remove(key);
        if (kept == null) {
            return null;
        }
        kept.expiry().cancel(false);
        return kept.connection();
    }

    /** Keeps {@code connection} under {@code key} for the next run, or closes it (nothing kept, slot taken, closed). */
    public void put(K key, Connection connection) {
        synchronized (this) {
            if (!keepIdle.isZero() && !closed && !idle.containsKey(key) && isOpen(connection)) {
                if (closer == null) {
                    closer = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, threadName);
                        t.setDaemon(true);
                        return t;
                    });
                }
                idle.put(key, new Idle(connection, closer.schedule(() -> expire(key, connection), keepIdle.toMillis(), TimeUnit.MILLISECONDS)));
                return;
            }
        }
        closeQuietly(connection);
    }

    private void expire(K key, Connection connection) {
        synchronized (this) {
            Idle kept = idle.get(key);
            if (kept == null || kept.connection() != connection) {
                return;
            }
            idle.remove(key);
        }
        closeQuietly(connection);
    }

    /** Closes every kept connection; nothing is kept afterwards. */
    @Override
    public void close() {
        Map<K, Idle> kept;
        synchronized (this) {
            closed = true;
            kept = new HashMap<>(idle);
            idle.clear();
            if (closer != null) {
                closer.shutdownNow();
                closer = null;
            }
        }
        kept.values().forEach(k -> closeQuietly(k.connection()));
    }

    private static boolean isOpen(Connection connection) {
        try {
            return !connection.isClosed();
        } catch (SQLException e) {
            return false;
        }
    }

    public static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // nothing left to do with it
            }
        }
    }
}
