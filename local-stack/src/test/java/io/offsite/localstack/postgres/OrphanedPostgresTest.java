package io.offsite.localstack.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.localstack.Ports;
import io.offsite.localstack.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedded PostgreSQL outlives a JVM that is killed (it is daemonized, not a child of the JVM). The next start on
 * the same data folder stops that orphan and starts normally; a server of another folder is never touched.
 */
@Timeout(240)
class OrphanedPostgresTest {

    private final Path root = Path.of(System.getProperty("offsite.test.data", "target/offsite-test"), "orphans-" + UUID.randomUUID());

    @Test
    void aServerLeftByAKilledJvmIsStoppedAndTheSameFolderStartsAgain() throws Exception {
        Path data = root.resolve("data");
        Path other = root.resolve("other");
        int port = Ports.freePort();
        Path log = root.resolve("child.log");
        Files.createDirectories(root);
        Process child = startChild(data, port, log);
        List<Long> started = new ArrayList<>();
        PostgresServer restarted = null;
        try {
            awaitLine(child, log, PostgresChild.READY);
            long orphan = postmasterPid(data);
            started.add(orphan);

            // while the JVM that started it lives, its server is not an orphan
            assertThatThrownBy(() -> PostgresServer.start(data, Ports.freePort()))
                    .hasMessageContaining("in use by another running process (PostgreSQL pid " + orphan + " on port " + port + ")");
            assertThat(Processes.isRunning(orphan)).isTrue();

            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Processes.isRunning(orphan)).as("the server outlives its killed JVM").isTrue();
            assertThatThrownBy(() -> Ports.requireFree(port, "PostgreSQL", "--postgres-port"))
                    .as("the orphan holds the port").isInstanceOf(Ports.PortInUseException.class);

            // another folder wanting the same port: the orphan is not its own, so it stays and the error names the port
            Files.createDirectories(other.resolve("postgres"));
            Files.copy(data.resolve("postgres/postmaster.pid"), other.resolve("postgres/postmaster.pid"));
            assertThatThrownBy(() -> PostgresServer.start(other, port))
                    .isInstanceOf(Ports.PortInUseException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("pid " + orphan);
            assertThat(Processes.isRunning(orphan)).as("a server of another folder is left alone").isTrue();

            restarted = PostgresServer.start(data, port);
            long fresh = postmasterPid(data);
            started.add(fresh);

            assertThat(fresh).isNotEqualTo(orphan);
            assertThat(Processes.isRunning(orphan)).as("the orphan is gone").isFalse();
            try (Connection c = restarted.endpoint().connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT note FROM survivor")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("written before the crash");
            }
        } finally {
            child.destroyForcibly();
            if (restarted != null) {
                restarted.close();
            }
            started.forEach(OrphanedPostgresTest::killIfPostgres);
        }
    }

    @Test
    void aServerOfAnotherFolderIsLeftAloneAndTheErrorNamesThePort() throws Exception {
        Path data = root.resolve("a");
        Path other = root.resolve("b");
        int port = Ports.freePort();
        PostgresServer server = PostgresServer.start(data, port);
        long pid = postmasterPid(data);
        try {
            // a postmaster.pid in the other folder whose pid was reused by this folder's server
            Path stale = other.resolve("postgres/postmaster.pid");
            Files.createDirectories(stale.getParent());
            Files.writeString(stale, pid + "\n" + stale.getParent() + "\n0\n" + port + "\n\n127.0.0.1\n");

            assertThatThrownBy(() -> PostgresServer.start(other, port))
                    .isInstanceOf(Ports.PortInUseException.class)
                    .hasMessageContaining("PostgreSQL cannot listen on 127.0.0.1:" + port)
                    .hasMessageContaining("--postgres-port");
            assertThat(stale).as("the stale record naming a process of another folder is removed").doesNotExist();

            // the same folder again from this JVM: it is in use, not an orphan
            assertThatThrownBy(() -> PostgresServer.start(data, Ports.freePort()))
                    .hasMessageContaining("already in use by a server this process started");

            assertThat(Processes.isRunning(pid)).isTrue();
            try (Connection c = server.endpoint().connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
        } finally {
            server.close();
            killIfPostgres(pid);
        }
    }

    private static Process startChild(Path data, int port, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), PostgresChild.class.getName(),
                data.toString(), String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitLine(Process child, Path log, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readAllLines(log).contains(line)) {
                return;
            }
            if (!child.isAlive()) {
                throw new AssertionError("the child JVM ended with " + child.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the child JVM did not print " + line + " within 120 s:\n" + Files.readString(log));
    }

    static long postmasterPid(Path data) throws IOException {
        return Long.parseLong(Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(0).trim());
    }

    /** Kills a server a test started, by pid, unless the pid now belongs to something else. */
    static void killIfPostgres(long pid) {
        ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .ifPresent(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                });
    }
}
