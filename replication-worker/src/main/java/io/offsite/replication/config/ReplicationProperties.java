package io.offsite.replication.config;

import io.offsite.replication.postgres.PostgresSettings;
import io.offsite.replication.postgres.PostgresTarget;
import io.offsite.replication.run.EngineSettings;
import io.offsite.replication.run.Mode;
import io.offsite.replication.run.SourceSpec;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The replication worker's settings: the target database, how rows travel, and the sources requests may name.
 *
 * @param postgres the target database
 * @param batchSize rows per batch, the unit of progress lines and failure isolation (the original's 100)
 * @param unitBatches batches sent per round trip (one COPY and one upsert); larger is faster, smaller retries less
 * @param touchColumn target column set to {@code now()} when a row is inserted or changes
 * @param loggedFailures how many refused rows are logged and reported with their key and reason
 * @param progressInterval how often long tables log progress
 * @param compareInMemory a full run reads target tables up to this size whole to compare its rows with (larger ones
 *        are looked up unit by unit); 0 always looks up
 * @param keepIdle how long the connections of a run (to PostgreSQL and to the SQLite source) are kept for the next run;
 *        0 closes them after each run
 * @param sources configured sources by name
 */
@Validated
@ConfigurationProperties("offsite.replication")
public record ReplicationProperties(
        @NotNull @Valid Postgres postgres,
        @Min(1) @Max(100_000) int batchSize,
        @Min(1) @Max(10_000) int unitBatches,
        @NotBlank String touchColumn,
        @Min(0) int loggedFailures,
        Duration progressInterval,
        DataSize compareInMemory,
        Duration keepIdle,
        @NotNull Map<String, @Valid Source> sources) {

    public ReplicationProperties {
        postgres = postgres == null ? new Postgres(null, null, 0, null, null, null, null, null, null) : postgres;
        keepIdle = keepIdle == null ? PostgresTarget.DEFAULT_KEEP_IDLE : keepIdle;
        batchSize = batchSize == 0 ? 100 : batchSize;
        unitBatches = unitBatches == 0 ? 100 : unitBatches;
        touchColumn = touchColumn == null ? "updated_at" : touchColumn;
        loggedFailures = loggedFailures == 0 ? 10 : loggedFailures;
        progressInterval = progressInterval == null ? Duration.ofSeconds(10) : progressInterval;
        compareInMemory = compareInMemory == null ? DataSize.ofBytes(EngineSettings.COMPARE_IN_MEMORY_BYTES) : compareInMemory;
        if (compareInMemory.isNegative()) {
            throw new IllegalArgumentException("offsite.replication.compare-in-memory must not be negative");
        }
        sources = sources == null ? Map.of() : Map.copyOf(sources);
    }

    public EngineSettings engine() {
        return new EngineSettings(batchSize, unitBatches, touchColumn, loggedFailures, 2, progressInterval, compareInMemory.toBytes());
    }

    /**
     * The target database: a JDBC URL, or host, port and database (the original's {@code POSTGRES_*} variables).
     *
     * @param url {@code jdbc:postgresql://host:port/database}; when set, host, port and database are ignored
     * @param host server host
     * @param port server port
     * @param database database name
     * @param user login role
     * @param password its password (never logged)
     * @param connectTimeout how long connecting may take
     * @param statementTimeout longest a statement may run ({@code statement_timeout}; a read waits for the server this
     *        long and 30 s more); never longer than the run has left
     * @param lockTimeout longest a statement may wait for a lock another session holds ({@code lock_timeout}); never
     *        longer than the run has left
     */
    public record Postgres(String url, String host, @Min(0) @Max(65535) int port, String database, String user, String password,
                           Duration connectTimeout, Duration statementTimeout, Duration lockTimeout) {

        public Postgres {
            host = host == null || host.isBlank() ? "127.0.0.1" : host;
            port = port == 0 ? 5433 : port;
            database = database == null || database.isBlank() ? "pokemon_tcg" : database;
            user = user == null || user.isBlank() ? "pokemon" : user;
            password = password == null ? "" : password;
            connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
            statementTimeout = statementTimeout == null ? PostgresSettings.DEFAULT_STATEMENT_TIMEOUT : statementTimeout;
            lockTimeout = lockTimeout == null ? PostgresSettings.DEFAULT_LOCK_TIMEOUT : lockTimeout;
        }

        public PostgresSettings settings() {
            String jdbcUrl = url != null && !url.isBlank() ? url : "jdbc:postgresql://" + host + ":" + port + "/" + database;
            return new PostgresSettings(jdbcUrl, user, password, connectTimeout, statementTimeout, lockTimeout);
        }

        @Override
        public String toString() {
            return "Postgres[" + settings().describe() + "]";
        }
    }

    /**
     * One SQLite source.
     *
     * @param path the SQLite database file
     * @param tables tables to replicate, parents first by their foreign keys; empty replicates every table
     * @param watermarkColumn column holding each row's change time; enables incremental runs (empty: always full)
     * @param mode default mode of a run that does not ask for one (incremental needs a watermark column)
     * @param propagateDeletes delete target rows whose key is gone from SQLite
     * @param targetSchema PostgreSQL schema of the target tables
     * @param labels how progress lines name each table's rows, e.g. {@code pokemon_cards: cards}
     */
    public record Source(
            @NotNull Path path,
            List<String> tables,
            String watermarkColumn,
            Mode mode,
            boolean propagateDeletes,
            String targetSchema,
            Map<String, String> labels) {

        public Source {
            tables = tables == null ? List.of() : List.copyOf(tables);
            watermarkColumn = watermarkColumn == null || watermarkColumn.isBlank() ? null : watermarkColumn;
            mode = mode == null ? (watermarkColumn == null ? Mode.FULL : Mode.INCREMENTAL) : mode;
            targetSchema = targetSchema == null || targetSchema.isBlank() ? "public" : targetSchema;
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }

        public SourceSpec spec(String name) {
            return new SourceSpec(name, path, tables, Optional.ofNullable(watermarkColumn), propagateDeletes, targetSchema, labels);
        }
    }
}
