package io.offsite.backup.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.localstack.LocalStack;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.worker.job.JobFailedException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code pg_dump} of a database whose table another session holds locked: the lock wait timeout, or an interrupt of the
 * reading thread, ends the dump, and neither a {@code pg_dump} process nor its session is left behind.
 */
@Timeout(120)
class PostgresSourceLockIT {

    static final String DATABASE = "dump_locked";

    PostgresEndpoint pg;

    @BeforeEach
    void setUp() throws Exception {
        pg = LocalStack.freshPostgresDatabase(DATABASE);
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id serial PRIMARY KEY, note text)");
            s.execute("INSERT INTO orders (note) SELECT 'order ' || g FROM generate_series(1, 100) g");
        }
    }

    PostgresSource source(Duration lockWaitTimeout) {
        return new PostgresSource("locked", new PostgresSource.Connection(pg.host(), pg.port(), pg.user(), pg.password()),
                List.of(DATABASE), PostgresSource.Format.CUSTOM, "pg_dump", lockWaitTimeout);
    }

    /** A session that holds {@code LOCK TABLE orders IN ACCESS EXCLUSIVE MODE} until it is closed. */
    Connection lockOrders() throws Exception {
        Connection holder = pg.connect();
        holder.setAutoCommit(false);
        try (Statement s = holder.createStatement()) {
            s.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
        }
        return holder;
    }

    /** pg_dump processes this JVM started that still run. */
    static List<ProcessHandle> dumpsLeft() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("pg_dump")).orElse(false)
                        || p.info().commandLine().map(c -> c.contains("pg_dump")).orElse(false))
                .toList();
    }

    static long dumpSessions(Connection observer) throws Exception {
        try (Statement s = observer.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                + DATABASE + "' AND application_name = 'offsite-backup'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void assertNothingLeft(Connection observer) {
        assertThat(dumpsLeft()).as("pg_dump processes left").isEmpty();
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(dumpSessions(observer)).as("pg_dump sessions left on the server").isZero());
    }

    /** Reads a snapshot as the backup does, to its end, then asks whether pg_dump succeeded. */
    static void readWhole(Snapshot snapshot) throws Exception {
        try (InputStream in = snapshot.stream()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        snapshot.finish();
    }

    @Test
    void theLockWaitTimeoutFailsTheDumpWithItsReason() throws Exception {
        try (Connection observer = pg.connect(); Connection holder = lockOrders()) {
            long started = System.nanoTime();
            JobFailedException failure = null;
            try (Snapshot snapshot = source(Duration.ofSeconds(1)).take()) {
                readWhole(snapshot);
            } catch (JobFailedException e) {
                failure = e;
            }

            assertThat(failure).as("the dump fails").isNotNull();
            assertThat(failure.errorType()).isEqualTo("LOCK_TIMEOUT");
            assertThat(failure.retryable()).isTrue();
            assertThat(failure.getMessage()).contains("could not lock a table within 1000 ms").contains("orders");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertNothingLeft(observer);
        }
    }

    @Test
    void theLockWaitIsNeverLongerThanWhatTheRunHasLeft() throws Exception {
        PostgresSource source = source(PostgresSource.DEFAULT_LOCK_WAIT_TIMEOUT);
        assertThat(source.lockWait(Optional.empty())).isEqualTo(Duration.ofMinutes(2));
        assertThat(source.lockWait(Optional.of(Duration.ofSeconds(30)))).isEqualTo(Duration.ofSeconds(30));
        assertThat(source.lockWait(Optional.of(Duration.ofMinutes(5)))).isEqualTo(Duration.ofMinutes(2));
        assertThat(source.lockWait(Optional.of(Duration.ofSeconds(-1)))).isEqualTo(Duration.ofMillis(1));
        assertThat(source.command(Duration.ofSeconds(30))).contains("--lock-wait-timeout=30000");

        try (Connection observer = pg.connect(); Connection holder = lockOrders()) {
            long started = System.nanoTime();
            JobFailedException failure = null;
            try (Snapshot snapshot = source.take(Optional.of(Duration.ofMillis(1500)))) {
                readWhole(snapshot);
            } catch (JobFailedException e) {
                failure = e;
            }
            assertThat(failure).isNotNull();
            assertThat(failure.errorType()).isEqualTo("LOCK_TIMEOUT");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            assertNothingLeft(observer);
        }
    }

    @Test
    void anInterruptEndsTheBlockedReadAndPgDumpWithItsSession() throws Exception {
        try (Connection observer = pg.connect(); Connection holder = lockOrders()) {
            CompletableFuture<Throwable> ended = new CompletableFuture<>();
            Thread backup = new Thread(() -> {
                try (Snapshot snapshot = source(PostgresSource.DEFAULT_LOCK_WAIT_TIMEOUT).take()) {
                    readWhole(snapshot);
                    ended.complete(null);
                } catch (Throwable e) {
                    ended.complete(e);
                }
            });
            backup.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> dumpSessions(observer) == 1);

            long interruptedAt = System.nanoTime();
            backup.interrupt();
            Throwable failure = ended.get(15, TimeUnit.SECONDS);
            backup.join(5_000);

            assertThat(failure).isInstanceOf(InterruptedIOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - interruptedAt)).isLessThan(Duration.ofSeconds(3));
            assertNothingLeft(observer);
        }
    }
}
