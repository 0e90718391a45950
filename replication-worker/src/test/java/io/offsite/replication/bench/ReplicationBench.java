package io.offsite.replication.bench;

import io.offsite.replication.plan.Sql;
import io.offsite.replication.plan.TableOrder;
import io.offsite.replication.plan.TablePlan;
import io.offsite.replication.plan.TableSchema;
import io.offsite.replication.postgres.PostgresSettings;
import io.offsite.replication.postgres.PostgresTarget;
import io.offsite.replication.run.EngineSettings;
import io.offsite.replication.run.Mode;
import io.offsite.replication.run.ReplicationListener;
import io.offsite.replication.run.ReplicationReport;
import io.offsite.replication.run.Replicator;
import io.offsite.replication.run.SourceSpec;
import io.offsite.replication.run.TableReport;
import io.offsite.replication.sqlite.SqliteSnapshot;
import io.offsite.replication.sqlite.SqliteSources;
import io.offsite.replication.support.Listeners;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Command-line steps of the replication benchmark (bench/replication/run.sh drives them):
 * <pre>
 *   ddl      &lt;sqlite&gt;                                   CREATE TABLE statements the worker would run
 *   columns  &lt;sqlite&gt; &lt;table&gt;                           the columns the worker copies, comma-separated
 *   worker   &lt;sqlite&gt; &lt;url&gt; &lt;user&gt; &lt;password&gt; &lt;full|incremental&gt; &lt;label&gt; [unitBatches]
 *   sequence &lt;sqlite&gt; &lt;url&gt; &lt;user&gt; &lt;password&gt; [rounds] [unitBatches]   the worker's runs in order, median of rounds
 *   original &lt;sqlite&gt; &lt;url&gt; &lt;user&gt; &lt;password&gt;        the original's way: multi-row INSERT ... ON CONFLICT per 100 rows
 *   touch    &lt;sqlite&gt; &lt;percent&gt;                         changes that share of cards (price and updated_at)
 *   stats    &lt;url&gt; &lt;user&gt; &lt;password&gt; &lt;table&gt;           n_tup_ins n_tup_upd n_dead_tup
 * </pre>
 * Result lines start with {@code RESULT} and are tab-separated.
 */
public final class ReplicationBench {

    private ReplicationBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "ddl" -> ddl(Path.of(args[1]));
            case "columns" -> columns(Path.of(args[1]), args[2]);
            case "worker" -> worker(Path.of(args[1]), settings(args[2], args[3], args[4]), Mode.parse(args[5]), args[6],
                    args.length > 7 ? Integer.parseInt(args[7]) : EngineSettings.defaults().unitBatches());
            case "sequence" -> sequence(Path.of(args[1]), settings(args[2], args[3], args[4]),
                    args.length > 6 ? Integer.parseInt(args[6]) : EngineSettings.defaults().unitBatches(),
                    args.length > 5 ? Integer.parseInt(args[5]) : 1);
            case "original" -> original(Path.of(args[1]), settings(args[2], args[3], args[4]));
            case "read" -> read(Path.of(args[1]));
            case "touch" -> touch(Path.of(args[1]), Double.parseDouble(args[2]));
            case "stats" -> System.out.println("RESULT\tstats\t" + stats(settings(args[1], args[2], args[3]), args[4]));
            default -> throw new IllegalArgumentException("unknown step " + args[0]);
        }
    }

    static PostgresSettings settings(String url, String user, String password) {
        return new PostgresSettings(url, user, password, null);
    }

    static List<TableSchema> tables(SqliteSnapshot sqlite) {
        List<TableSchema> tables = new ArrayList<>();
        for (String name : sqlite.tableNames()) {
            tables.add(sqlite.schema(name).orElseThrow());
        }
        return TableOrder.parentsFirst(tables).tables();
    }

    static void ddl(Path db) {
        try (SqliteSnapshot sqlite = SqliteSnapshot.open(db)) {
            for (TableSchema t : tables(sqlite)) {
                System.out.println(new TablePlan(t, "public", Map.of(), "updated_at", "stage").createTableSql() + ";");
            }
        }
    }

    static void columns(Path db, String table) {
        try (SqliteSnapshot sqlite = SqliteSnapshot.open(db)) {
            TablePlan plan = new TablePlan(sqlite.schema(table).orElseThrow(), "public", Map.of(), "updated_at", "stage");
            System.out.println(String.join(",", plan.columns()));
        }
    }

    static void worker(Path db, PostgresSettings pg, Mode mode, String label, int unitBatches) throws Exception {
        Result result = worker(replicator(pg, unitBatches), db, pg, mode, label, true);
        System.out.printf(Locale.ROOT, "RESULT\t%s\t%.3f\t%s%n", label, result.seconds(), result.details());
    }

    /** The engine as the worker runs it: the connections of one run are kept for the next for the default time. */
    static Replicator replicator(PostgresSettings pg, int unitBatches) {
        return replicator(new PostgresTarget(pg, PostgresTarget.DEFAULT_KEEP_IDLE), new SqliteSources(PostgresTarget.DEFAULT_KEEP_IDLE),
                unitBatches);
    }

    static Replicator replicator(PostgresTarget target, int unitBatches) {
        return replicator(target, SqliteSources.unkept(), unitBatches);
    }

    static Replicator replicator(PostgresTarget target, SqliteSources sources, int unitBatches) {
        return new Replicator(target, sources, EngineSettings.defaults().withUnitBatches(unitBatches), Clock.systemUTC());
    }

    /**
     * The worker's runs in one JVM, as a long-running worker sees them: first load into empty tables, a full re-run with
     * nothing changed, an incremental re-run with nothing changed, then an incremental run after 1% of the cards changed.
     */
    /**
     * The worker's runs in one JVM, as a long-running worker sees them, {@code rounds} times (each round from a fresh copy
     * of the SQLite file into empty tables); every step's median over the rounds is reported.
     */
    static void sequence(Path db, PostgresSettings pg, int unitBatches, int rounds) throws Exception {
        Map<String, List<Double>> seconds = new java.util.LinkedHashMap<>();
        Map<String, String> details = new java.util.HashMap<>();
        Path work = db.resolveSibling(db.getFileName() + ".round");
        try (PostgresTarget target = new PostgresTarget(pg, PostgresTarget.DEFAULT_KEEP_IDLE);
             SqliteSources sources = new SqliteSources(PostgresTarget.DEFAULT_KEEP_IDLE)) {
            Replicator replicator = replicator(target, sources, unitBatches);
            warmUp(pg, (warmDb, schema) -> {
                SourceSpec warm = new SourceSpec("warm-up", warmDb, List.of(), Optional.of("updated_at"), false, schema, Map.of());
                replicator.replicate(warm, Mode.FULL, "warm-up", Listeners.quiet());
                replicator.replicate(warm, Mode.FULL, "warm-up", Listeners.quiet());
                for (int i = 0; i < WARM_UP_INCREMENTAL_RUNS; i++) {
                    replicator.replicate(warm, Mode.INCREMENTAL, "warm-up", Listeners.quiet());
                }
                touch(warmDb, 1.0);
                replicator.replicate(warm, Mode.INCREMENTAL, "warm-up", Listeners.quiet());
            });
            for (int round = 1; round <= rounds; round++) {
                boolean last = round == rounds;
                deleteDatabase(work); // with its -wal and -shm files: a stale WAL would be replayed into the fresh copy
                java.nio.file.Files.copy(db, work);
                dropTargetTables(pg);
                for (Step step : STEPS) {
                    if (step.touchFirst()) {
                        touch(work, 1.0);
                    }
                    settle(pg);
                    Result result = worker(replicator, work, pg, step.mode(), step.label(), last);
                    seconds.computeIfAbsent(step.label(), k -> new ArrayList<>()).add(result.seconds());
                    details.put(step.label(), result.details());
                    if (step.label().equals("worker-incremental-unchanged")) {
                        // the same run when no connection was kept (runs further apart than the keep time)
                        settle(pg);
                        Result cold = worker(replicator(new PostgresTarget(pg), unitBatches), work, pg, Mode.INCREMENTAL, "cold", last);
                        seconds.computeIfAbsent(COLD, k -> new ArrayList<>()).add(cold.seconds());
                        details.put(COLD, cold.details());
                    }
                }
            }
        } finally {
            deleteDatabase(work);
        }
        seconds.forEach((label, values) -> System.out.printf(Locale.ROOT, "RESULT\t%s\t%.3f\t%s\t%s%n", label, median(values),
                details.get(label), "rounds: " + String.join(" ", values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).toList())));
    }

    /**
     * Incremental runs are what a worker does most often (every few minutes): it has done many of them before any
     * given one, so the warm-up does some too (about four hours' worth at one run every five minutes).
     */
    static final int WARM_UP_INCREMENTAL_RUNS = 50;

    static void deleteDatabase(Path db) throws java.io.IOException {
        for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
            java.nio.file.Files.deleteIfExists(db.resolveSibling(db.getFileName() + suffix));
        }
    }

    record Step(String label, Mode mode, boolean touchFirst) {
    }

    static final String COLD = "worker-incremental-unchanged-new-connection";

    static final List<Step> STEPS = List.of(
            new Step("worker-first-load", Mode.FULL, false),
            new Step("worker-full-rerun-unchanged", Mode.FULL, false),
            new Step("worker-incremental-unchanged", Mode.INCREMENTAL, false),
            new Step("worker-incremental-1pct", Mode.INCREMENTAL, true),
            new Step("worker-full-rerun-after-1pct", Mode.FULL, false));

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Empty target: the tables and the watermarks of the previous round go. */
    static void dropTargetTables(PostgresSettings pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS public.pokemon_cards, public.sets, public.offsite_replication_state");
        }
    }

    /**
     * What happens between two daily runs: autovacuum has processed the tables and a checkpoint has written the
     * dirty pages, and the system has flushed them to disk. Done explicitly so that no step pays for the previous one's
     * background work.
     */
    static void settle(PostgresSettings pg) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT relname FROM pg_stat_user_tables WHERE schemaname = 'public'")) {
                List<String> tables = new ArrayList<>();
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
                for (String table : tables) {
                    s.execute("VACUUM (ANALYZE) " + Sql.quote(table));
                }
            }
            s.execute("CHECKPOINT");
        }
        // the checkpoint's writes leave the page cache now, not while the next step is timed (server on this machine)
        new ProcessBuilder("sync").inheritIO().start().waitFor();
        // and the JVM's compiler threads have finished with the previous run's code, as between two runs of a worker
        Thread.sleep(3_000);
    }

    interface WarmUp {
        void run(Path db, String schema) throws Exception;
    }

    /**
     * A worker is a long-running process: before the measured runs, the same kinds of runs on a small database (2,000
     * cards) into a scratch schema load the classes and native libraries involved (JDBC drivers, the SQLite library)
     * and let the JVM compile the code they use, as the worker's earlier runs would.
     */
    static void warmUp(PostgresSettings pg, WarmUp warmUp) throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("replication-warm-up");
        Path db = dir.resolve("warm-up.db");
        io.offsite.localstack.demo.DemoDatabase.create(db, 10, 2000, 1L);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA warm_up");
            warmUp.run(db, "warm_up");
            s.execute("DROP SCHEMA warm_up CASCADE");
        } finally {
            try (var files = java.nio.file.Files.list(dir)) {
                for (Path file : files.toList()) {
                    java.nio.file.Files.delete(file);
                }
            }
            java.nio.file.Files.delete(dir);
        }
    }


    record Result(double seconds, String details) {
    }

    /** One run; with {@code stats}, the target's tuple statistics after it (which takes a wait, see below). */
    static Result worker(Replicator replicator, Path db, PostgresSettings pg, Mode mode, String label, boolean stats) throws Exception {
        SourceSpec source = new SourceSpec("pokemon-data", db, List.of(), Optional.of("updated_at"), false, "public",
                Map.of("sets", "sets", "pokemon_cards", "cards"));
        System.out.println("== " + label + " " + mode);
        long start = System.nanoTime();
        ReplicationReport report = replicator.replicate(source, mode, label, new ReplicationListener() {
            @Override
            public void info(String format, Object... args) {
                System.out.printf(Locale.ROOT, "%7.1f %s%n", (System.nanoTime() - start) / 1e6, org.slf4j.helpers.MessageFormatter.arrayFormat(format, args).getMessage());
            }

            @Override
            public void warn(String format, Object... args) {
                info(format, args);
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        TableReport cards = report.tables().stream().filter(t -> t.table().equals("pokemon_cards")).findFirst().orElseThrow();
        String details = String.format(Locale.ROOT, "read=%d inserted=%d updated=%d unchanged=%d failed=%d", cards.read(), cards.inserted(),
                cards.updated(), cards.unchanged(), cards.failed());
        if (stats) {
            // a session reports its table statistics within 10 s of going idle (the kept connection stays open)
            Thread.sleep(11_000);
            details += "; " + stats(pg, "pokemon_cards");
        }
        System.out.printf(Locale.ROOT, "%s: %.3f s, %s%n", label, seconds, details);
        return new Result(seconds, details);
    }

    /** The original's way: one multi-row INSERT ... ON CONFLICT (id) DO UPDATE per batch of 100, each its own transaction. */
    static void original(Path db, PostgresSettings pg) throws Exception {
        warmUp(pg, (warmDb, schema) -> originalWay(warmDb, pg, schema));
        settle(pg);
        long start = System.nanoTime();
        long rows = originalWay(db, pg, "public");
        System.out.printf(Locale.ROOT, "RESULT\toriginal\t%.2f\trows=%d%n", (System.nanoTime() - start) / 1e9, rows);
    }

    static long originalWay(Path db, PostgresSettings pg, String schema) throws Exception {
        Properties props = new Properties();
        props.setProperty("user", pg.user());
        props.setProperty("password", pg.password());
        props.setProperty("stringtype", "unspecified");
        long rows = 0;
        try (SqliteSnapshot sqlite = SqliteSnapshot.open(db); Connection c = DriverManager.getConnection(pg.jdbcUrl(), props)) {
            for (TableSchema t : tables(sqlite)) {
                TablePlan plan = new TablePlan(t, schema, Map.of(), "updated_at", "stage");
                try (Statement s = c.createStatement()) {
                    s.execute(plan.createTableSql());
                }
                List<String> cols = plan.columns();
                String one = "(" + String.join(", ", cols.stream().map(x -> "?").toList()) + ", now())";
                String head = "INSERT INTO " + plan.target() + " (" + Sql.list(cols) + ", \"updated_at\") VALUES ";
                String tail = " ON CONFLICT (" + Sql.list(plan.keyColumns()) + ") DO UPDATE SET "
                        + String.join(", ", plan.valueColumns().stream().map(v -> Sql.quote(v) + " = EXCLUDED." + Sql.quote(v)).toList())
                        + ", \"updated_at\" = NOW()";
                List<Object[]> batch = new ArrayList<>(100);
                long[] count = {0};
                sqlite.read(plan.sourceSelectSql(Optional.empty()), Optional.empty(), values -> {
                    batch.add(values);
                    if (batch.size() == 100) {
                        insert(c, head, one, tail, batch);
                        count[0] += batch.size();
                        batch.clear();
                    }
                });
                if (!batch.isEmpty()) {
                    insert(c, head, one, tail, batch);
                    count[0] += batch.size();
                }
                rows += count[0];
            }
        }
        return rows;
    }

    private static void insert(Connection c, String head, String one, String tail, List<Object[]> batch) throws java.sql.SQLException {
        String sql = head + String.join(", ", java.util.Collections.nCopies(batch.size(), one)) + tail;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Object[] row : batch) {
                for (Object v : row) {
                    ps.setObject(i++, v);
                }
            }
            ps.executeUpdate();
        }
    }

    /** Reads and encodes every card as the worker does, without sending anything: the source side's cost. */
    static void read(Path db) throws Exception {
        for (int round = 0; round < 2; round++) {
            long start = System.nanoTime();
            long[] bytes = {0};
            try (SqliteSnapshot sqlite = SqliteSnapshot.open(db)) {
                TablePlan plan = new TablePlan(sqlite.schema("pokemon_cards").orElseThrow(), "public", Map.of(), "updated_at", "stage");
                sqlite.read(plan.sourceSelectSql(Optional.empty()), Optional.empty(), plan.textColumns(), values -> bytes[0] += io.offsite.replication.plan.CopyText.row(values).length);
            }
            System.out.printf(Locale.ROOT, "RESULT\tread\t%.2f\tbytes=%d%n", (System.nanoTime() - start) / 1e9, bytes[0]);
        }
    }

    static void touch(Path db, double percent) throws Exception {
        int modulo = (int) Math.round(100 / percent);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            int changed = s.executeUpdate("UPDATE pokemon_cards SET market_price = market_price + 1, updated_at = '2030-01-01T00:00:00Z'"
                    + " WHERE rowid % " + modulo + " = 0");
            System.out.println("RESULT\ttouch\t" + changed);
        }
    }

    static String stats(PostgresSettings pg, String table) throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT n_tup_ins, n_tup_upd, n_dead_tup FROM pg_stat_user_tables WHERE relname = '" + table + "'")) {
            return rs.next() ? "n_tup_ins=" + rs.getLong(1) + " n_tup_upd=" + rs.getLong(2) + " n_dead_tup=" + rs.getLong(3) : "no stats";
        }
    }
}
