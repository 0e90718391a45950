package io.offsite.replication.run;

import io.offsite.replication.failure.ReplicationException;
import io.offsite.replication.failure.ReplicationException.Kind;
import io.offsite.replication.plan.TablePlan;
import io.offsite.replication.plan.TableSchema;
import io.offsite.replication.postgres.PostgresCatalog;
import io.offsite.replication.postgres.PostgresCatalog.TargetTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes a table's target ready for its rows: creates it when missing or adds the touch column, checks that a unique
 * key covers the source's primary key, and reports columns that exist on one side only.
 */
final class TargetPreparation {

    /** The table's plan on the target as it now is, the target table read back, and whether it was just created. */
    record PreparedTarget(TablePlan plan, TargetTable target, boolean created) {
    }

    private TargetPreparation() {
    }

    /**
     * @param existing the target table as the run's catalog read it; empty when it does not exist
     * @param stage the name of the table's staging table
     */
    static PreparedTarget prepare(Connection pg, TableSchema schema, Optional<TargetTable> existing, String targetSchema,
                                  String touchColumn, String stage, ReplicationListener listener) throws SQLException {
        String table = schema.name();
        TablePlan plan = new TablePlan(schema, targetSchema, existing.map(TargetTable::types).orElse(Map.of()), touchColumn, stage);
        boolean created = !plan.targetExists();
        boolean changedTarget = created || plan.needsTouchColumn();
        if (created) {
            execute(pg, plan.createTableSql());
            listener.info("Created table {} ({} columns, primary key {})", plan.target(), plan.columns().size() + 1, schema.primaryKey());
        } else if (!plan.missingKeyColumns().isEmpty()) {
            throw new ReplicationException(Kind.SCHEMA_MISMATCH, "target table " + plan.target() + " lacks the key column(s) "
                    + plan.missingKeyColumns() + " of the source table");
        } else if (plan.needsTouchColumn()) {
            execute(pg, plan.addTouchColumnSql());
            listener.info("Added column {} to {}", touchColumn, plan.target());
        }
        TargetTable target = changedTarget
                ? PostgresCatalog.read(pg, targetSchema, List.of(table)).table(table).orElseThrow() : existing.orElseThrow();
        TablePlan ready = changedTarget ? new TablePlan(schema, targetSchema, target.types(), touchColumn, stage) : plan;
        if (!created && !target.hasUniqueKey(schema.primaryKey())) {
            throw new ReplicationException(Kind.SCHEMA_MISMATCH, "target table " + plan.target() + " has no primary key or unique index on "
                    + schema.primaryKey() + ", which the upsert needs");
        }
        if (!plan.sourceOnlyColumns().isEmpty()) {
            listener.warn("Columns {} of {} exist in SQLite only; they are not replicated (add them to {} to replicate them)",
                    plan.sourceOnlyColumns(), table, plan.target());
        }
        if (!plan.targetOnlyColumns().isEmpty()) {
            listener.warn("Columns {} of {} exist in PostgreSQL only; new rows get their defaults", plan.targetOnlyColumns(), plan.target());
        }
        return new PreparedTarget(ready, target, created);
    }

    private static void execute(Connection pg, String sql) throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute(sql);
        }
    }
}
