package io.offsite.backup.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.backup.readback.PgConnection;
import io.offsite.backup.readback.PostgresTools;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.worker.process.ChildEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a live {@code pg_dump} started by the worker sees, read from {@code /proc/<pid>/environ} and
 * {@code /proc/<pid>/cmdline} while it waits for a locked table: none of this JVM's variables beyond the search path,
 * locale and home (the build sets {@code S3_SECRET_KEY} for this test JVM), its own server's password in
 * {@code PGPASSWORD}, and no password on its command line. Both ways pg_dump is started are checked: a backup
 * ({@link PostgresSource}) and the safety dump of a restore ({@link PostgresTools}).
 */
@Timeout(120)
class ChildEnvironmentIT {

    static final String DATABASE = "child_env";
    static final Set<String> TOOL_SETTINGS = Set.of("PGPASSWORD", "PGCONNECT_TIMEOUT", "PGAPPNAME");

    @TempDir
    Path dir;

    PostgresEndpoint db;
    String role;
    String password;

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(LocalStack.postgresServer().isPresent(), "creates a role with the embedded server's superuser");
        db = LocalStack.freshPostgresDatabase(DATABASE);
        // a password unlike anything else on the command line (the default user's equals its name)
        role = "env_probe";
        password = "pw-" + UUID.randomUUID();
        try (Connection c = LocalStack.postgresServer().get().superuser().withDatabase(DATABASE).connect(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') THEN CREATE ROLE " + role + " LOGIN; END IF; END $$");
            s.execute("ALTER ROLE " + role + " PASSWORD '" + password + "'");
        }
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id serial PRIMARY KEY, note text)");
            s.execute("GRANT SELECT ON orders, orders_id_seq TO " + role);
        }
    }

    Connection lockOrders() throws Exception {
        Connection holder = db.connect();
        holder.setAutoCommit(false);
        try (Statement s = holder.createStatement()) {
            s.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
        }
        return holder;
    }

    static ProcessHandle awaitPgDump() {
        return await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("pg_dump")).orElse(false)).findFirst(), java.util.Optional::isPresent).get();
    }

    static Map<String, String> environ(ProcessHandle process) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : read(process, "environ")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    static List<String> read(ProcessHandle process, String file) throws Exception {
        String text = new String(Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), file)), StandardCharsets.UTF_8);
        return Arrays.asList(text.split("\0"));
    }

    void assertMinimal(ProcessHandle pgDump) throws Exception {
        Map<String, String> seen = environ(pgDump);
        List<String> cmdline = read(pgDump, "cmdline");

        Set<String> notPassed = new HashSet<>(System.getenv().keySet());
        notPassed.removeAll(ChildEnvironment.INHERITED);
        assertThat(notPassed).as("variables of this JVM a child must not get (the build sets S3_SECRET_KEY)").isNotEmpty();
        assertThat(seen.keySet()).doesNotContainAnyElementsOf(notPassed).doesNotContain("S3_SECRET_KEY", "KAFKA_PASSWORD");
        Set<String> allowed = new HashSet<>(ChildEnvironment.INHERITED);
        allowed.addAll(TOOL_SETTINGS);
        allowed.add("PGSYSCONFDIR"); // set by Debian's pg_wrapper, which /usr/bin/pg_dump is, before it runs the real one
        assertThat(allowed).containsAll(seen.keySet());
        assertThat(seen).containsEntry("PGPASSWORD", password);
        if (System.getenv("S3_SECRET_KEY") != null) {
            assertThat(String.join("\n", seen.values())).doesNotContain(System.getenv("S3_SECRET_KEY"));
        }
        assertThat(cmdline).anyMatch(a -> a.endsWith("pg_dump")).anyMatch(a -> a.equals("--username=" + role)).noneMatch(a -> a.contains(password));
    }

    @Test
    void aBackupsPgDumpGetsOnlyItsServersPasswordAndNoSecretOfTheWorker() throws Exception {
        PostgresSource source = new PostgresSource("env", new PostgresSource.Connection(db.host(), db.port(), role, password),
                List.of(DATABASE), PostgresSource.Format.CUSTOM, "pg_dump", Duration.ofSeconds(60));
        try (Connection holder = lockOrders(); Snapshot snapshot = source.take()) {
            assertMinimal(awaitPgDump());
            holder.rollback();
        }
    }

    @Test
    void aRestoresSafetyDumpGetsOnlyItsServersPasswordAndNoSecretOfTheWorker() throws Exception {
        PgConnection target = new PgConnection(db.host(), db.port(), DATABASE, role, password);
        CompletableFuture<Void> dumped;
        try (Connection holder = lockOrders()) {
            dumped = CompletableFuture.runAsync(() -> {
                try {
                    PostgresTools.defaults().dump(target, dir.resolve("safety.dump"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertMinimal(awaitPgDump());
            holder.rollback();
        }
        dumped.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(dir.resolve("safety.dump")).isNotEmptyFile();
    }
}
