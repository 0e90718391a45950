package io.offsite.replication.postgres;

import io.offsite.replication.plan.CopyText;
import io.offsite.replication.plan.TablePlan;
import java.nio.charset.CharacterCodingException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresql.copy.CopyManager;

/**
 * Upserts rows of one table, each attempt under a savepoint: COPY into a temporary staging table, then one upsert that
 * inserts new rows, rewrites changed ones and leaves equal ones untouched. A unit of at most {@value #SMALL_UNIT} rows
 * (typically all an incremental run has to send) skips the staging table: one upsert statement carries its rows as
 * parameters. A row-level error rolls the attempt's savepoint back and is returned, any other is thrown.
 */
final class Upserter {

    /** What an attempt did, or the row-level error that rolled it back. */
    record Attempt(long inserted, long updated, SQLException error) {
        static final Attempt NOTHING = new Attempt(0, 0, null);
    }

    /**
     * Units of at most this many rows are upserted from parameters, without a staging table: below it one statement is
     * cheaper than creating, filling and reading a staging table; above it, parsing and binding the parameters costs more.
     */
    static final int SMALL_UNIT = 32;
    /** PostgreSQL takes at most 65,535 parameters per statement; staying well below keeps statements small. */
    private static final int MAX_PARAMETERS = 30_000;

    private final Connection pg;
    private final CopyManager copy;
    private final TablePlan plan;
    private final Map<String, String> castTypes;
    private final String upsertSql;
    private boolean staged;
    /** Whether the staging table may hold rows of an earlier attempt (a failed attempt rolls its rows back). */
    private boolean stageUsed;

    Upserter(Connection pg, CopyManager copy, TablePlan plan, Map<String, String> castTypes) {
        this.pg = pg;
        this.copy = copy;
        this.plan = plan;
        this.castTypes = castTypes;
        this.upsertSql = plan.upsertSql();
    }

    /** A unit small enough goes as parameters of one statement; any other through the staging table. */
    Attempt smallOrStaged(List<byte[]> lines) throws SQLException, InterruptedException {
        Attempt values = fitsParameters(lines.size()) ? values(lines) : null;
        return values != null ? values : staged(lines);
    }

    /** As above for a unit still streaming: small when its first chunk is all of it. */
    Attempt smallOrStaged(StreamedUnit unit) throws SQLException, InterruptedException {
        Attempt values = unit.prefetch() && fitsParameters(unit.lines.size()) ? values(unit.lines) : null;
        return values != null ? values : staged(unit);
    }

    private boolean fitsParameters(int rows) {
        return rows <= SMALL_UNIT && (long) rows * plan.columns().size() <= MAX_PARAMETERS;
    }

    /** The staging table, created when a unit first needs it (a first load into an empty table never does). */
    private void ensureStage() throws SQLException {
        if (!staged) {
            try (Statement s = pg.createStatement()) {
                s.execute(plan.createStageSql());
            }
            staged = true;
        }
    }

    /** Stages {@code lines} and upserts them under a savepoint. */
    Attempt staged(List<byte[]> lines) throws SQLException, InterruptedException {
        return staged(LineChunks.of(lines));
    }

    /** Stages the rows {@code lines} hands out and upserts them, as above. */
    Attempt staged(LineChunks lines) throws SQLException, InterruptedException {
        ensureStage();
        if (stageUsed) {
            try (Statement s = pg.createStatement()) {
                s.execute(plan.truncateStageSql());
            }
            stageUsed = false;
        }
        Savepoint sp = pg.setSavepoint();
        try {
            CopyWriter.copy(copy, plan.copyIntoStageSql(), lines);
            long inserted;
            long updated;
            try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery(upsertSql)) {
                rs.next();
                inserted = rs.getLong(1);
                updated = rs.getLong(2);
            }
            pg.releaseSavepoint(sp);
            stageUsed = true;
            return new Attempt(inserted, updated, null);
        } catch (SQLException e) {
            PostgresErrors.rethrowUnlessRowLevel(e);
            pg.rollback(sp);
            return new Attempt(0, 0, e);
        }
    }

    /**
     * Upserts a small unit from parameters, without staging. Null when a line cannot travel as parameters (text that
     * is no valid UTF-8): the staged path then lets PostgreSQL judge it as COPY would.
     */
    private Attempt values(List<byte[]> lines) throws SQLException {
        List<String[]> rows = new ArrayList<>(lines.size());
        try {
            for (byte[] line : lines) {
                rows.add(CopyText.fields(line));
            }
        } catch (CharacterCodingException e) {
            return null;
        }
        Savepoint sp = pg.setSavepoint();
        try (PreparedStatement ps = pg.prepareStatement(plan.upsertValuesSql(rows.size(), castTypes))) {
            int p = 1;
            for (String[] row : rows) {
                for (String value : row) {
                    if (value == null) {
                        ps.setNull(p++, Types.OTHER);
                    } else {
                        ps.setObject(p++, value, Types.OTHER);
                    }
                }
            }
            long inserted;
            long updated;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                inserted = rs.getLong(1);
                updated = rs.getLong(2);
            }
            pg.releaseSavepoint(sp);
            return new Attempt(inserted, updated, null);
        } catch (SQLException e) {
            PostgresErrors.rethrowUnlessRowLevel(e);
            pg.rollback(sp);
            return new Attempt(0, 0, e);
        }
    }
}
