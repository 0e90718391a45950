package io.offsite.replication.postgres;

import io.offsite.replication.plan.CopyText;
import io.offsite.replication.plan.TablePlan;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/** Deletion propagation: deletes target rows whose key is gone from the source. */
public final class MissingRows {

    /** Receives the source's keys one by one. */
    public interface KeySink {
        void key(Object[] values) throws SQLException, InterruptedException;
    }

    /** Streams the source's keys. */
    public interface KeySource {
        void forEach(KeySink sink) throws SQLException, InterruptedException;
    }

    private MissingRows() {
    }

    /** Deletes the rows of {@code plan}'s target whose key is not among the keys {@code keys} streams in; their count. */
    public static long delete(Connection pg, TablePlan plan, KeySource keys) throws SQLException, InterruptedException {
        try (Statement s = pg.createStatement()) {
            s.execute(plan.createKeysSql());
        }
        CopyIn in = pg.unwrap(PGConnection.class).getCopyAPI().copyIn(plan.copyKeysSql());
        try {
            keys.forEach(values -> {
                byte[] line = CopyText.row(values);
                in.writeToCopy(line, 0, line.length);
            });
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
        try (Statement s = pg.createStatement()) {
            return s.executeUpdate(plan.deleteMissingSql());
        }
    }
}
