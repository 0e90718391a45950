package io.offsite.replication.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.offsite.localstack.LocalStack;
import io.offsite.localstack.Ports;
import io.offsite.localstack.demo.DemoDatabase;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.replication.failure.ReplicationException;
import io.offsite.replication.failure.ReplicationException.Kind;
import io.offsite.replication.postgres.PostgresSettings;
import io.offsite.replication.postgres.PostgresTarget;
import io.offsite.replication.postgres.WatermarkStore;
import io.offsite.replication.sqlite.ChangedRows;
import io.offsite.replication.support.Tables;
import io.offsite.replication.support.Tables.TupleStats;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The engine against real SQLite files and a real PostgreSQL server. */
@Timeout(120)
class ReplicatorIT {

    static final List<String> SET_COLUMNS = List.of("id", "name", "series", "printed_total", "total", "legalities", "ptcgo_code",
            "release_date", "images");
    static final List<String> CARD_COLUMNS = List.of("id", "name", "supertype", "subtypes", "hp", "types", "evolves_from", "attacks",
            "weaknesses", "retreat_cost", "set_id", "number", "artist", "rarity", "flavor_text", "national_pokedex_numbers",
            "legalities", "images", "market_price");

    @TempDir
    Path dir;

    final List<String> lines = new CopyOnWriteArrayList<>();

    final ReplicationListener listener = new ReplicationListener() {
        @Override
        public void info(String format, Object... args) {
            lines.add(org.slf4j.helpers.MessageFormatter.arrayFormat(format, args).getMessage());
        }

        @Override
        public void warn(String format, Object... args) {
            info(format, args);
        }
    };

    static Replicator replicator(PostgresEndpoint pg) {
        return replicator(pg, EngineSettings.defaults());
    }

    static Replicator replicator(PostgresEndpoint pg, EngineSettings settings) {
        return new Replicator(new PostgresTarget(PostgresSettings.of(pg.host(), pg.port(), pg.database(), pg.user(), pg.password())),
                settings, Clock.systemUTC());
    }

    SourceSpec source(Path db, boolean deletes) {
        return new SourceSpec("pokemon-data", db, List.of(), Optional.of("updated_at"), deletes, "public",
                Map.of("sets", "sets", "pokemon_cards", "cards"));
    }

    @Test
    void replicatesTheOriginalSchemaAndDataThenChangesNothingThenOnlyWhatChanged() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("repl_roundtrip");
        Path db = dir.resolve("pokemon-data.sqlite3.db");
        DemoDatabase.create(db, DemoDatabase.DEFAULT_SETS, DemoDatabase.DEFAULT_CARDS, 42L);

        ReplicationReport first = replicator(pg).replicate(source(db, false), Mode.FULL, "run-1", listener);

        assertThat(first.complete()).isTrue();
        assertThat(first.tables()).extracting(TableReport::table).containsExactly("sets", "pokemon_cards");
        assertThat(first.tables().get(0).replicated()).isEqualTo(150);
        assertThat(first.tables().get(1).replicated()).isEqualTo(15_000);
        assertThat(first.tables().get(1).inserted()).isEqualTo(15_000);
        assertThat(lines).contains("Starting replication to PostgreSQL", "Verifying PostgreSQL connectivity... OK",
                "Replicating 150 sets...", "Replicating 15000 cards in batches of 100...", "  Batch 1/150: 100 cards synced",
                "  Batch 2/150: 100 cards synced", "  ... (148 more batches)", "Replication complete:", "  Sets: 150 synced",
                "  Cards: 15000 synced");
        assertSameRows(db, pg);

        TupleStats cardsBefore = awaitStats(pg, "pokemon_cards", s -> s.inserted() == 15_000);
        TupleStats setsBefore = Tables.stats(pg, "sets");
        ReplicationReport second = replicator(pg).replicate(source(db, false), Mode.FULL, "run-2", listener);
        assertThat(second.tables().get(1).unchanged()).isEqualTo(15_000);
        assertThat(second.tables().get(1).updated()).isZero();
        TupleStats state = awaitStats(pg, WatermarkStore.TABLE, s -> s.updated() >= 2);
        assertThat(state.updated()).isGreaterThanOrEqualTo(2);
        assertThat(Tables.stats(pg, "pokemon_cards").updated()).isEqualTo(cardsBefore.updated()).isZero();
        assertThat(Tables.stats(pg, "pokemon_cards").dead()).isZero();
        assertThat(Tables.stats(pg, "sets").updated()).isEqualTo(setsBefore.updated());

        Timestamp touchedBefore;
        try (Connection c = pg.connect()) {
            touchedBefore = Timestamp.valueOf(Tables.string(c, "SELECT updated_at::timestamp FROM pokemon_cards WHERE id = 'set3-17'"));
        }
        try (Connection c = Tables.sqlite(db); PreparedStatement ps = c.prepareStatement(
                "UPDATE pokemon_cards SET name = 'Renamed', updated_at = '2030-01-01T00:00:00Z' WHERE id = 'set3-17'")) {
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        lines.clear();
        ReplicationReport third = replicator(pg).replicate(source(db, false), Mode.INCREMENTAL, "run-3", listener);
        TableReport cards = third.tables().get(1);
        assertThat(cards.incremental()).isTrue();
        // the changed row, and the row at the previous watermark (read again: a later commit may share its time; not sent,
        // its digest shows it is as sent last time)
        assertThat(cards.read()).isEqualTo(2);
        assertThat(cards.updated()).isEqualTo(1);
        assertThat(cards.unchanged()).isEqualTo(1);
        assertThat(third.tables().get(0).read()).isEqualTo(1);
        assertThat(lines).anyMatch(l -> l.startsWith("Replicating 1 cards changed since "));
        assertThat(lines).anyMatch(l -> l.startsWith("Replicating 0 sets changed since "));
        try (Connection c = pg.connect()) {
            assertThat(Tables.string(c, "SELECT name FROM pokemon_cards WHERE id = 'set3-17'")).isEqualTo("Renamed");
            Timestamp touchedAfter = Timestamp.valueOf(Tables.string(c, "SELECT updated_at::timestamp FROM pokemon_cards WHERE id = 'set3-17'"));
            assertThat(touchedAfter).isAfter(touchedBefore);
            assertThat(Tables.count(c, "SELECT count(*) FROM pokemon_cards WHERE updated_at > '" + touchedBefore + "'")).isEqualTo(1);
        }
        assertSameRows(db, pg);
        awaitStats(pg, "pokemon_cards", s -> s.updated() == 1);

        // a full run finds the rows that differ, whatever column type changed, and rewrites only those
        try (Connection c = Tables.sqlite(db)) {
            Tables.execute(c, "UPDATE pokemon_cards SET market_price = market_price + 0.01 WHERE id = 'set7-3'");
            Tables.execute(c, "UPDATE pokemon_cards SET evolves_from = NULL WHERE id = (SELECT min(id) FROM pokemon_cards WHERE evolves_from IS NOT NULL)");
            Tables.execute(c, "UPDATE pokemon_cards SET hp = 340, flavor_text = 'Tab\there, new\nline and \\ backslash' WHERE id = 'set9-9'");
            Tables.execute(c, "INSERT INTO pokemon_cards (id, name, supertype, set_id, number, updated_at) VALUES ('new-1', 'N', 'Trainer', 'set0', '1', '2001-01-01T00:00:00Z')");
        }
        ReplicationReport fourth = replicator(pg).replicate(source(db, false), Mode.FULL, "run-4", listener);
        assertThat(fourth.tables().get(1).updated()).isEqualTo(3);
        assertThat(fourth.tables().get(1).inserted()).isEqualTo(1);
        assertThat(fourth.tables().get(1).unchanged()).isEqualTo(14_997);
        assertSameRows(db, pg);
    }

    @Test
    void aRowPostgresRefusesFailsAloneAndIsNamed() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("repl_bad_row");
        Path db = dir.resolve("bad.db");
        DemoDatabase.create(db, 20, 3000, 7L);
        replicator(pg).replicate(source(db, false), Mode.FULL, "prepare", listener);
        try (Connection c = pg.connect()) {
            Tables.execute(c, "TRUNCATE pokemon_cards");
            Tables.execute(c, "ALTER TABLE pokemon_cards ADD CONSTRAINT hp_is_plausible CHECK (hp IS NULL OR hp < 10000)");
        }
        try (Connection c = Tables.sqlite(db)) {
            Tables.execute(c, "UPDATE pokemon_cards SET hp = 99999, supertype = 'Pokémon' WHERE id = 'set5-42'");
        }
        lines.clear();

        ReplicationReport report = replicator(pg).replicate(source(db, false), Mode.FULL, "bad", listener);

        TableReport cards = report.tables().get(1);
        assertThat(report.complete()).isFalse();
        assertThat(cards.failed()).isEqualTo(1);
        assertThat(cards.replicated()).isEqualTo(2999);
        assertThat(report.firstFailures()).singleElement().satisfies(f -> {
            assertThat(f.table()).isEqualTo("pokemon_cards");
            assertThat(f.key()).isEqualTo("id=set5-42");
            assertThat(f.reason()).contains("hp_is_plausible");
        });
        assertThat(lines).anyMatch(l -> l.matches("  Batch \\d+/30: 99 cards synced, 1 failed"));
        assertThat(lines).anyMatch(l -> l.contains("set5-42") && l.contains("hp_is_plausible"));
        try (Connection c = pg.connect(); Connection s = Tables.sqlite(db)) {
            assertThat(Tables.count(c, "SELECT count(*) FROM pokemon_cards")).isEqualTo(2999);
            assertThat(Tables.count(c, "SELECT count(*) FROM pokemon_cards WHERE id = 'set5-42'")).isZero();
        }
        try (Connection c = pg.connect()) {
            assertThat(Tables.count(c, "SELECT count(*) FROM offsite_replication_state WHERE table_name = 'pokemon_cards' AND run_id = 'bad'"))
                    .as("the watermark of a table with failed rows does not advance").isZero();
        }
    }

    @Test
    void aBadRowInAnUpsertedUnitFailsAloneWhileTheUnitsRowsAroundItLand() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("repl_bad_upsert");
        Path db = dir.resolve("bad-upsert.db");
        DemoDatabase.create(db, 20, 4000, 11L);
        replicator(pg).replicate(source(db, false), Mode.FULL, "prepare", listener);
        try (Connection c = pg.connect()) {
            Tables.execute(c, "ALTER TABLE pokemon_cards ADD CONSTRAINT hp_is_plausible CHECK (hp IS NULL OR hp < 10000)");
        }
        List<String> ids = new ArrayList<>();
        try (Connection c = Tables.sqlite(db)) {
            // rows 5, 600 and 3990 in reading order: the first and a late chunk of the first unit, and the last unit
            try (var rs = c.createStatement().executeQuery("SELECT id FROM pokemon_cards ORDER BY rowid")) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            Tables.execute(c, "UPDATE pokemon_cards SET hp = 99999 WHERE id = '" + ids.get(600) + "'");
            Tables.execute(c, "UPDATE pokemon_cards SET name = 'Changed' WHERE id IN ('" + ids.get(5) + "', '" + ids.get(3990) + "')");
        }
        lines.clear();

        ReplicationReport report = replicator(pg).replicate(source(db, false), Mode.FULL, "bad-upsert", listener);

        TableReport cards = report.tables().get(1);
        assertThat(cards.failed()).isEqualTo(1);
        assertThat(cards.replicated()).isEqualTo(3999);
        assertThat(cards.updated()).isEqualTo(2);
        assertThat(cards.unchanged()).isEqualTo(3997);
        assertThat(report.firstFailures()).singleElement().satisfies(f -> assertThat(f.key()).isEqualTo("id=" + ids.get(600)));
        try (Connection c = pg.connect()) {
            assertThat(Tables.count(c, "SELECT count(*) FROM pokemon_cards WHERE name = 'Changed'")).isEqualTo(2);
            assertThat(Tables.count(c, "SELECT count(*) FROM pokemon_cards WHERE hp >= 10000")).isZero();
            assertThat(Tables.count(c, "SELECT count(*) FROM pokemon_cards")).isEqualTo(4000);
        }
    }

    @Test
    void aFewChangedRowsTravelAsParametersExactlyAndFailAsCopyWould() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("repl_small_units");
        Path db = dir.resolve("notes.db");
        try (Connection c = Tables.sqlite(db)) {
            Tables.execute(c, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, n INTEGER, score REAL, raw BLOB, label TEXT, "
                    + "updated_at TEXT NOT NULL)");
            for (int i = 1; i <= 500; i++) {
                Tables.execute(c, "INSERT INTO notes VALUES (" + i + ", 'note " + i + "', " + i + ", " + i + ".5, x'00', 'l', '"
                        + String.format("2025-01-01T00:%02d:%02dZ", i / 60, i % 60) + "')");
            }
        }
        SourceSpec notes = new SourceSpec("notes", db, List.of(), Optional.of("updated_at"), false, "public", Map.of("notes", "notes"));
        replicator(pg).replicate(notes, Mode.FULL, "load", listener);
        try (Connection c = pg.connect()) {
            Tables.execute(c, "ALTER TABLE notes ALTER COLUMN label TYPE varchar(5)");
        }
        Object[][] odd = {
                {"back\\slash\tTab\nnewline\rreturn", Long.MAX_VALUE, 0.30000000000000004, new byte[] {0, (byte) 0xff, '\\', '\t'}, "\\N"},
                {"", -1L, -1.0E-300, new byte[0], ""},
                {"Pokémon ★ 🐉 ends with \\", 0L, Double.MIN_VALUE, new byte[] {10, 13}, "12345"},
                {null, null, null, null, null},
        };
        try (Connection c = Tables.sqlite(db);
             PreparedStatement ps = c.prepareStatement("UPDATE notes SET body = ?, n = ?, score = ?, raw = ?, label = ?, "
                     + "updated_at = '2025-02-01T00:00:00Z' WHERE id = ?")) {
            for (int i = 0; i < odd.length; i++) {
                for (int j = 0; j < odd[i].length; j++) {
                    ps.setObject(j + 1, odd[i][j]);
                }
                ps.setInt(odd[i].length + 1, 100 + i);
                ps.executeUpdate();
            }
        }
        lines.clear();

        ReplicationReport report = replicator(pg).replicate(notes, Mode.INCREMENTAL, "small", listener);

        TableReport table = report.tables().get(0);
        assertThat(table.read()).as("the rows at or after the watermark: the four changed ones and the boundary").isEqualTo(5);
        assertThat(table.updated()).isEqualTo(4);
        assertThat(table.unchanged()).isEqualTo(1);
        try (Connection c = pg.connect(); Connection s = Tables.sqlite(db)) {
            for (int id = 100; id < 104; id++) {
                String sql = "SELECT body, n, score, raw, label FROM notes WHERE id = " + id;
                try (var pr = c.createStatement().executeQuery(sql); var sr = s.createStatement().executeQuery(sql)) {
                    assertThat(pr.next()).isTrue();
                    assertThat(sr.next()).isTrue();
                    assertThat(pr.getString(1)).as("body of %d", id).isEqualTo(sr.getString(1));
                    assertThat(pr.getObject(2) == null ? null : pr.getLong(2)).isEqualTo(sr.getObject(2) == null ? null : sr.getLong(2));
                    assertThat(pr.getObject(3) == null ? null : pr.getDouble(3)).isEqualTo(sr.getObject(3) == null ? null : sr.getDouble(3));
                    assertThat(pr.getBytes(4)).isEqualTo(sr.getBytes(4));
                    assertThat(pr.getString(5)).isEqualTo(sr.getString(5));
                }
            }
        }

        // a full run compares every row with the target before sending it, looked up by key or read whole: these values
        // print as they were sent (floats spelt otherwise, such as -1.0E-300 against -1e-300, read as the same double),
        // so no row travels
        try (Connection c = pg.connect()) {
            Tables.countInsertStatements(c, "notes");
        }
        for (EngineSettings settings : List.of(LOOK_UP, EngineSettings.defaults())) {
            ReplicationReport full = replicator(pg, settings).replicate(notes, Mode.FULL, "full", listener);
            assertThat(full.tables().get(0).unchanged()).isEqualTo(500);
            try (Connection c = pg.connect()) {
                assertThat(Tables.insertStatements(c, "notes")).as("upserts that reached the table").isZero();
            }
        }

        // a value too long for varchar(5) fails as in COPY (an explicit cast would have cut it), alone
        try (Connection c = Tables.sqlite(db)) {
            Tables.execute(c, "UPDATE notes SET label = 'toolong', updated_at = '2025-03-01T00:00:00Z' WHERE id = 104");
            Tables.execute(c, "UPDATE notes SET body = 'again', updated_at = '2025-03-01T00:00:00Z' WHERE id = 105");
        }
        ReplicationReport second = replicator(pg).replicate(notes, Mode.INCREMENTAL, "small-2", listener);
        assertThat(second.tables().get(0).failed()).isEqualTo(1);
        assertThat(second.tables().get(0).updated()).isEqualTo(1);
        assertThat(second.firstFailures()).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("id=104");
            assertThat(f.reason()).containsIgnoringCase("too long");
        });
        try (Connection c = pg.connect()) {
            assertThat(Tables.string(c, "SELECT label FROM notes WHERE id = 104")).isEqualTo("l");
            assertThat(Tables.string(c, "SELECT body FROM notes WHERE id = 105")).isEqualTo("again");
        }
    }

    /** Full runs look every unit's rows up in the target instead of reading small tables whole. */
    static final EngineSettings LOOK_UP = EngineSettings.defaults().withCompareInMemoryBytes(0);

    @ParameterizedTest(name = "target rows compared in memory up to {0} bytes")
    @ValueSource(longs = {0, EngineSettings.COMPARE_IN_MEMORY_BYTES})
    void aFullRunSendsOnlyRowsTheTargetDoesNotHoldAsTheyAre(long inMemory) throws Exception {
        EngineSettings settings = EngineSettings.defaults().withCompareInMemoryBytes(inMemory);
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("repl_compare_" + inMemory);
        Path db = dir.resolve("items.db");
        try (Connection c = Tables.sqlite(db)) {
            Tables.execute(c, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL, amount NUMERIC, data BLOB)");
            // prices such as 5.0, which PostgreSQL prints as 5
            Tables.execute(c, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
                    + "INSERT INTO items SELECT i, 'item ' || i, i * 1.0, CASE WHEN i IN (10, 2990) THEN 1.5 END, randomblob(8) FROM n");
        }
        SourceSpec items = new SourceSpec("items", db, List.of(), Optional.empty(), false, "public", Map.of("items", "items"));
        replicator(pg).replicate(items, Mode.FULL, "load", listener);
        try (Connection c = pg.connect()) {
            // prints 1.5 as 1.50 from now on: the same value, spelt otherwise
            Tables.execute(c, "ALTER TABLE items ALTER COLUMN amount TYPE numeric(8,2)");
            // edited and deleted behind the worker's back, in the first and the last unit (units of 1,000 rows)
            Tables.execute(c, "UPDATE items SET name = 'edited' WHERE id = 5");
            Tables.execute(c, "DELETE FROM items WHERE id = 2500");
            Tables.countInsertStatements(c, "items");
        }
        awaitStats(pg, "items", s -> s.updated() == 1 && s.deleted() == 1);

        ReplicationReport run = replicator(pg, settings).replicate(items, Mode.FULL, "compare", listener);

        TableReport table = run.tables().get(0);
        assertThat(table.updated()).isEqualTo(1);
        assertThat(table.inserted()).isEqualTo(1);
        assertThat(table.unchanged()).isEqualTo(2998);
        try (Connection c = pg.connect(); Connection s = Tables.sqlite(db)) {
            assertThat(Tables.string(c, "SELECT name FROM items WHERE id = 5")).isEqualTo("item 5");
            assertThat(Tables.string(c, "SELECT encode(data, 'hex') || ' ' || price FROM items WHERE id = 2500"))
                    .isEqualTo(Tables.string(s, "SELECT lower(hex(data)) || ' 2500' FROM items WHERE id = 2500"));
            assertThat(Tables.count(c, "SELECT count(*) FROM items")).isEqualTo(3000);
            // the first unit (the edited row, row 10's 1.50) and the last (the deleted row, row 2990's 1.50) reached the
            // table; the second, found as it is, did not
            assertThat(Tables.insertStatements(c, "items")).isEqualTo(2);
        }
        TupleStats after = awaitStats(pg, "items", s -> s.updated() >= 2);
        assertThat(after.updated()).as("only the edited row rewritten").isEqualTo(2);
    }

    @ParameterizedTest(name = "target rows compared in memory up to {0} bytes")
    @ValueSource(longs = {0, EngineSettings.COMPARE_IN_MEMORY_BYTES})
    void aKeyTheTargetCannotReadFailsAloneInAFullRun(long inMemory) throws Exception {
        EngineSettings settings = EngineSettings.defaults().withCompareInMemoryBytes(inMemory);
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("repl_compare_key_" + inMemory);
        Path db = dir.resolve("codes.db");
        try (Connection c = Tables.sqlite(db)) {
            Tables.execute(c, "CREATE TABLE codes (id TEXT PRIMARY KEY, label TEXT)");
            Tables.execute(c, "INSERT INTO codes VALUES ('1', 'one'), ('2', 'two changed'), ('x3', 'three')");
        }
        try (Connection c = pg.connect()) {
            Tables.execute(c, "CREATE TABLE codes (id bigint PRIMARY KEY, label text, updated_at timestamptz NOT NULL DEFAULT now())");
            Tables.execute(c, "INSERT INTO codes (id, label) VALUES (1, 'one'), (2, 'two')");
        }
        SourceSpec codes = new SourceSpec("codes", db, List.of(), Optional.empty(), false, "public", Map.of("codes", "codes"));

        ReplicationReport run = replicator(pg, settings).replicate(codes, Mode.FULL, "codes", listener);

        TableReport table = run.tables().get(0);
        assertThat(table.failed()).isEqualTo(1);
        assertThat(table.updated()).isEqualTo(1);
        assertThat(table.unchanged()).isEqualTo(1);
        assertThat(run.firstFailures()).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo("id=x3");
            assertThat(f.reason()).contains("bigint");
        });
        try (Connection c = pg.connect()) {
            assertThat(Tables.string(c, "SELECT label FROM codes WHERE id = 2")).isEqualTo("two changed");
        }
    }

    @Test
    void aTargetWhoseTextOutgrowsItsSizeOnDiskIsLookedUpInstead() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("repl_compare_toast");
        Path db = dir.resolve("pages.db");
        try (Connection c = Tables.sqlite(db)) {
            Tables.execute(c, "CREATE TABLE pages (id INTEGER PRIMARY KEY, body TEXT)");
            // 400 KB of text per row that PostgreSQL compresses to a few KB
            Tables.execute(c, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) "
                    + "INSERT INTO pages SELECT i, i || replace(hex(zeroblob(100000)), '0', 'ab') FROM n");
        }
        SourceSpec pages = new SourceSpec("pages", db, List.of(), Optional.empty(), false, "public", Map.of("pages", "pages"));
        replicator(pg).replicate(pages, Mode.FULL, "load", listener);
        long onDisk;
        try (Connection c = pg.connect()) {
            onDisk = Tables.count(c, "SELECT pg_table_size('pages')");
            Tables.execute(c, "UPDATE pages SET body = 'edited' WHERE id = 7");
        }
        assertThat(onDisk).as("compressed on disk").isLessThan(40L * 200_000 / 16);
        try (Connection c = Tables.sqlite(db)) {
            Tables.execute(c, "UPDATE pages SET body = 'changed' WHERE id = 8");
        }

        // the table's size admits reading it whole, but its text is more than twice that: the rows are looked up instead
        ReplicationReport run = replicator(pg, EngineSettings.defaults().withCompareInMemoryBytes(onDisk))
                .replicate(pages, Mode.FULL, "toast", listener);

        assertThat(run.tables().get(0).updated()).isEqualTo(2);
        assertThat(run.tables().get(0).unchanged()).isEqualTo(38);
        try (Connection c = pg.connect(); Connection s = Tables.sqlite(db)) {
            assertThat(Tables.hash(c, "pages", List.of("id", "body"))).isEqualTo(Tables.hash(s, "pages", List.of("id", "body")));
        }
    }

    @Test
    void rowsWrittenAfterARunWithTheSameWatermarkValueAreStillSent() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("repl_same_second");
        Path db = dir.resolve("same-second.db");
        DemoDatabase.create(db, 5, 300, 9L);
        try (Connection c = Tables.sqlite(db)) {
            Tables.execute(c, "UPDATE pokemon_cards SET updated_at = '2031-05-05T10:00:00Z' WHERE id IN (SELECT id FROM pokemon_cards LIMIT 2)");
        }
        replicator(pg).replicate(source(db, false), Mode.FULL, "load", listener);
        assertThat(replicator(pg).replicate(source(db, false), Mode.INCREMENTAL, "no-op", listener).tables().get(1).unchanged())
                .as("both rows at the watermark read, neither sent").isEqualTo(2);

        // within the same second as the last run's watermark: one of its rows changes again, and a new row appears
        String changedId;
        try (Connection c = Tables.sqlite(db)) {
            changedId = Tables.string(c, "SELECT id FROM pokemon_cards WHERE updated_at = '2031-05-05T10:00:00Z' ORDER BY id LIMIT 1");
            Tables.execute(c, "UPDATE pokemon_cards SET name = 'Same second' WHERE id = '" + changedId + "'");
            Tables.execute(c, "INSERT INTO pokemon_cards (id, name, supertype, set_id, number, updated_at) "
                    + "VALUES ('late-1', 'Late', 'Trainer', 'set0', '99', '2031-05-05T10:00:00Z')");
        }
        ReplicationReport report = replicator(pg).replicate(source(db, false), Mode.INCREMENTAL, "same-second", listener);

        TableReport cards = report.tables().get(1);
        assertThat(cards.read()).isEqualTo(3);
        assertThat(cards.inserted()).isEqualTo(1);
        assertThat(cards.updated()).isEqualTo(1);
        try (Connection c = pg.connect(); Connection s = Tables.sqlite(db)) {
            assertThat(Tables.string(c, "SELECT name FROM pokemon_cards WHERE id = '" + changedId + "'")).isEqualTo("Same second");
            assertThat(Tables.hash(c, "pokemon_cards", CARD_COLUMNS)).isEqualTo(Tables.hash(s, "pokemon_cards", CARD_COLUMNS));
        }
        assertThat(replicator(pg).replicate(source(db, false), Mode.INCREMENTAL, "after", listener).tables().get(1).unchanged())
                .as("all three at the watermark now known as sent").isEqualTo(3);
    }

    @Test
    void aStateTableWithoutTheBoundaryDigestColumnGetsIt() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("repl_old_state");
        try (Connection c = pg.connect()) {
            Tables.execute(c, "CREATE TABLE offsite_replication_state (source text NOT NULL, table_name text NOT NULL,"
                    + " watermark_column text NOT NULL, watermark text, rows_replicated bigint NOT NULL, run_id text,"
                    + " updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (source, table_name))");
        }
        Path db = dir.resolve("old-state.db");
        DemoDatabase.create(db, 3, 100, 2L);
        replicator(pg).replicate(source(db, false), Mode.FULL, "full", listener);
        ReplicationReport incremental = replicator(pg).replicate(source(db, false), Mode.INCREMENTAL, "incremental", listener);
        assertThat(incremental.tables().get(1).incremental()).isTrue();
        try (Connection c = pg.connect()) {
            assertThat(Tables.count(c, "SELECT count(*) FROM offsite_replication_state WHERE boundary_digest LIKE '1:%'")).isEqualTo(2);
        }
    }

    @Test
    void anIncrementalRunWithMoreChangesThanOneScanTakesStreamsThemAll() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("repl_many_changes");
        Path db = dir.resolve("many.db");
        DemoDatabase.create(db, 10, ChangedRows.ONE_SCAN_ROWS + 2_000, 3L);
        replicator(pg).replicate(source(db, false), Mode.FULL, "load", listener);
        try (Connection c = Tables.sqlite(db)) {
            Tables.execute(c, "UPDATE pokemon_cards SET market_price = market_price + 1, updated_at = '2031-01-01T00:00:00Z'");
        }
        lines.clear();

        ReplicationReport report = replicator(pg).replicate(source(db, false), Mode.INCREMENTAL, "many", listener);

        TableReport cards = report.tables().get(1);
        assertThat(cards.incremental()).isTrue();
        assertThat(cards.read()).isEqualTo(ChangedRows.ONE_SCAN_ROWS + 2_000);
        assertThat(cards.updated()).isEqualTo(ChangedRows.ONE_SCAN_ROWS + 2_000);
        assertThat(lines).anyMatch(l -> l.matches("Replicating " + (ChangedRows.ONE_SCAN_ROWS + 2_000) + " cards changed since \\S+ in batches of 100\\.\\.\\."));
        try (Connection s = Tables.sqlite(db); Connection c = pg.connect()) {
            assertThat(Tables.hash(c, "pokemon_cards", CARD_COLUMNS)).isEqualTo(Tables.hash(s, "pokemon_cards", CARD_COLUMNS));
        }
    }

    @Test
    void writesToSqliteDuringARunNeverProduceATornCopy() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("repl_torn");
        Path db = dir.resolve("busy.db");
        DemoDatabase.create(db, 50, 30_000, 11L);
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Connection c = Tables.sqlite(db)) {
                Tables.execute(c, "PRAGMA busy_timeout = 10000");
                c.setAutoCommit(false);
                for (long i = 0; writing.get(); i++) {
                    Tables.execute(c, "INSERT INTO sets (id, name, series, updated_at) VALUES ('wset-" + i + "', 'W', 'W', '2031-01-01T00:00:00Z')");
                    Tables.execute(c, "INSERT INTO pokemon_cards (id, name, supertype, set_id, number, updated_at) VALUES ('wcard-" + i
                            + "', 'W', 'Trainer', 'wset-" + i + "', '1', '2031-01-01T00:00:00Z')");
                    c.commit();
                    written.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "sqlite-writer");
        writer.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> written.get() >= 20);
        long before = written.get();

        ReplicationReport report = replicator(pg).replicate(source(db, false), Mode.FULL, "torn", listener);
        long after = written.get();
        writing.set(false);
        writer.join(20_000);

        assertThat(report.complete()).isTrue();
        assertThat(after).as("the writer kept committing during the run").isGreaterThan(before + 5);
        TreeSet<String> sets = new TreeSet<>();
        TreeSet<String> cards = new TreeSet<>();
        try (Connection c = pg.connect(); var s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT substring(id from 6) FROM sets WHERE id LIKE 'wset-%'")) {
                while (rs.next()) {
                    sets.add(rs.getString(1));
                }
            }
            try (var rs = s.executeQuery("SELECT substring(id from 7) FROM pokemon_cards WHERE id LIKE 'wcard-%'")) {
                while (rs.next()) {
                    cards.add(rs.getString(1));
                }
            }
        }
        assertThat(sets).as("pairs written in one SQLite transaction arrive together").isEqualTo(cards);
        assertThat((long) sets.size()).isBetween(before, after);
        assertThat(report.tables().get(0).replicated()).isEqualTo(50 + sets.size());
        assertThat(report.tables().get(1).replicated()).isEqualTo(30_000 + cards.size());
    }

    @Test
    void deletionsPropagateOnlyWhenAskedAndOneSidedColumnsAreReported() throws Exception {
        PostgresEndpoint pg = LocalStack.freshPostgresDatabase("repl_deletes");
        Path db = dir.resolve("deletes.db");
        DemoDatabase.create(db, 10, 500, 3L);
        try (Connection c = pg.connect()) {
            Tables.execute(c, "CREATE TABLE sets (id text PRIMARY KEY, name text NOT NULL, series text, printed_total bigint, total bigint,"
                    + " legalities text, ptcgo_code text, release_date text, images text, owner_note text)");
        }
        ReplicationReport first = replicator(pg).replicate(source(db, false), Mode.FULL, "d1", listener);
        TableReport sets = first.tables().get(0);
        assertThat(sets.targetOnlyColumns()).containsExactly("owner_note");
        assertThat(sets.sourceOnlyColumns()).isEmpty();
        assertThat(lines).anyMatch(l -> l.contains("[owner_note]") && l.contains("PostgreSQL only"));
        try (Connection c = pg.connect()) {
            assertThat(Tables.count(c, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'sets' AND column_name = 'updated_at'"))
                    .as("the updated_at column is added").isEqualTo(1);
        }

        try (Connection c = Tables.sqlite(db)) {
            Tables.execute(c, "DELETE FROM pokemon_cards WHERE id IN ('set1-1', 'set2-1')");
            Tables.execute(c, "ALTER TABLE pokemon_cards ADD COLUMN grade TEXT");
        }
        ReplicationReport kept = replicator(pg).replicate(source(db, false), Mode.INCREMENTAL, "d2", listener);
        assertThat(kept.tables().get(1).deleted()).isZero();
        assertThat(kept.tables().get(1).sourceOnlyColumns()).containsExactly("grade");
        ReplicationReport deleted = replicator(pg).replicate(source(db, true), Mode.INCREMENTAL, "d3", listener);
        assertThat(deleted.tables().get(1).deleted()).isEqualTo(2);
        try (Connection c = pg.connect()) {
            assertThat(Tables.count(c, "SELECT count(*) FROM pokemon_cards")).isEqualTo(498);
        }
    }

    @Test
    void closedPortFailsRetryableWithAClearMessage() {
        int port = Ports.freePort();
        Replicator replicator = new Replicator(new PostgresTarget(PostgresSettings.of("127.0.0.1", port, "pokemon_tcg", "pokemon", "s3cret-pw")),
                EngineSettings.defaults(), Clock.systemUTC());
        Path db = dir.resolve("unused.db");
        DemoDatabase.create(db, 2, 10, 1L);

        assertThatThrownBy(() -> replicator.replicate(source(db, false), Mode.FULL, "down", listener))
                .isInstanceOfSatisfying(ReplicationException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TARGET_UNREACHABLE);
                    assertThat(e.kind().retryable()).isTrue();
                    assertThat(e.getMessage()).contains("unreachable").contains("127.0.0.1:" + port).doesNotContain("s3cret-pw");
                });
    }

    @Test
    void missingSqliteFileFailsNamingThePath() {
        PostgresEndpoint pg = LocalStack.postgres();
        Path missing = dir.resolve("nowhere/pokemon-data.sqlite3.db");
        assertThatThrownBy(() -> replicator(pg).replicate(source(missing, false), Mode.FULL, "missing", listener))
                .isInstanceOfSatisfying(ReplicationException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.SOURCE_NOT_FOUND);
                    assertThat(e.getMessage()).contains(missing.toString());
                });
        assertThat(missing.getParent()).doesNotExist();
    }

    static void assertSameRows(Path db, PostgresEndpoint pg) throws Exception {
        try (Connection s = Tables.sqlite(db); Connection c = pg.connect()) {
            assertThat(Tables.hash(c, "sets", SET_COLUMNS)).isEqualTo(Tables.hash(s, "sets", SET_COLUMNS));
            assertThat(Tables.hash(c, "pokemon_cards", CARD_COLUMNS)).isEqualTo(Tables.hash(s, "pokemon_cards", CARD_COLUMNS));
        }
    }

    static TupleStats awaitStats(PostgresEndpoint pg, String table, java.util.function.Predicate<TupleStats> condition) {
        List<TupleStats> seen = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
            TupleStats stats = Tables.stats(pg, table);
            seen.add(0, stats);
            return condition.test(stats);
        });
        return seen.get(0);
    }
}
