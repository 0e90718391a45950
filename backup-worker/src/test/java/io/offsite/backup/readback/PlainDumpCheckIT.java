package io.offsite.backup.readback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.localstack.LocalStack;
import io.offsite.localstack.postgres.PostgresEndpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The check against what the installed pg_dump really writes for awkward content (backslashes and quotes in data and
 * comments, SQL-standard function bodies, dollar quoting, array slices): it passes and psql restores it; the same dump
 * with one shell escape appended before the trailer is refused.
 */
@Timeout(120)
class PlainDumpCheckIT {

    @TempDir
    Path dir;

    @Test
    void aRealPlainDumpWithAwkwardContentPassesAndRestores() throws Exception {
        PostgresEndpoint source = LocalStack.freshPostgresDatabase("plain_check_source");
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text, tags text[], \"from stdin\" text)");
            s.execute("INSERT INTO notes (body, tags, \"from stdin\") VALUES "
                    + "(E'back\\\\slash \\\\! not a command\\n\\\\.\\nline after a fake end', ARRAY['a\"b', 'c\\\\d'], 'COPY x FROM stdin;'),"
                    + "(NULL, '{}', E'tab\\there'), ('it''s $$ dollar $$ and -- dashes /* star */', NULL, ':name')");
            s.execute("COMMENT ON TABLE notes IS 'C:\\path\\to ''quoted'' \\! text'");
            s.execute("CREATE FUNCTION atomic_count() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM notes; END");
            s.execute("CREATE FUNCTION plpgsql_body(t text) RETURNS text LANGUAGE plpgsql AS $body$ BEGIN RETURN t || E'\\\\' || '\\!'; END $body$");
            s.execute("CREATE VIEW slices AS SELECT (ARRAY[1, 2, 3])[1:2] AS two, 1.5e-3::float8 AS small, CASE WHEN true THEN 'x' END AS c");
        }
        Path dump = dir.resolve("dump.sql");
        pgDump(source, dump);

        PostgresTools.checkPlain(dump);

        PostgresEndpoint target = LocalStack.freshPostgresDatabase("plain_check_target");
        PgConnection connection = new PgConnection(target.host(), target.port(), target.database(), target.user(), target.password());
        PostgresTools.defaults().restore(dump, SnapshotKind.POSTGRES_PLAIN, connection);
        assertThat(PostgresTools.rowCounts(connection)).containsEntry("notes", 3L);

        String text = Files.readString(dump);
        int trailer = text.lastIndexOf("--\n-- PostgreSQL database dump complete");
        Path planted = dir.resolve("planted.sql");
        Files.writeString(planted, text.substring(0, trailer) + "\\! touch " + dir.resolve("pwned") + "\n" + text.substring(trailer));
        assertThatThrownBy(() -> PostgresTools.checkPlain(planted)).isInstanceOf(BackupDefectException.class).hasMessageContaining("meta-command");
        assertThat(dir.resolve("pwned")).doesNotExist();
    }

    static void pgDump(PostgresEndpoint db, Path file) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("pg_dump", "--host=" + db.host(), "--port=" + db.port(), "--username=" + db.user(),
                "--dbname=" + db.database(), "--no-password", "--format=plain", "--no-owner", "--file=" + file).redirectErrorStream(true);
        builder.environment().putAll(Map.of("PGPASSWORD", db.password()));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(Duration.ofSeconds(60).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
