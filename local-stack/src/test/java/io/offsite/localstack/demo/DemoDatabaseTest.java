package io.offsite.localstack.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDatabaseTest {

    @TempDir
    Path dir;

    @Test
    void aGenerationCutOffByAKillLeavesNothingThatSpoilsTheNextOne() throws Exception {
        Path file = dir.resolve("demo.db");
        Path partial = dir.resolve("demo.db.generating");
        Path wal = dir.resolve("demo.db.generating-wal");
        Path shm = dir.resolve("demo.db.generating-shm");
        // what a killed generation leaves: the partial database with its write-ahead log not yet checkpointed
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + partial); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA wal_autocheckpoint=0");
            s.execute(DemoDatabase.SCHEMA_SETS);
            s.execute("INSERT INTO sets (id, name, series, updated_at) VALUES ('left', 'left over', 'x', 'x')");
            Files.copy(wal, dir.resolve("wal.copy"));
            Files.copy(shm, dir.resolve("shm.copy"));
        }
        Files.move(dir.resolve("wal.copy"), wal, StandardCopyOption.REPLACE_EXISTING);
        Files.move(dir.resolve("shm.copy"), shm, StandardCopyOption.REPLACE_EXISTING);

        assertThat(DemoDatabase.createIfMissing(file)).isTrue();

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM sets), (SELECT count(*) FROM pokemon_cards), "
                     + "(SELECT count(*) FROM sets WHERE id = 'left')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(DemoDatabase.DEFAULT_SETS);
            assertThat(rs.getInt(2)).isEqualTo(DemoDatabase.DEFAULT_CARDS);
            assertThat(rs.getInt(3)).isZero();
        }
        assertThat(partial).doesNotExist();
        assertThat(wal).doesNotExist();
        assertThat(shm).doesNotExist();
    }
}
