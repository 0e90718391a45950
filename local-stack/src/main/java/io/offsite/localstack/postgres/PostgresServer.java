package io.offsite.localstack.postgres;

import io.offsite.localstack.Ports;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server from embedded binaries, with Offsite's default database and user created at
 * start. Data lives under the given folder and survives restarts.
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

    /** How long an orphaned server of the same data folder may take to shut down before it is killed. */
    static final Duration ORPHAN_STOP_GRACE = Duration.ofSeconds(10);

    private final EmbeddedPostgres postgres;
    private final PostgresEndpoint endpoint;
    private final PostgresEndpoint superuser;

    private PostgresServer(EmbeddedPostgres postgres, PostgresEndpoint endpoint, PostgresEndpoint superuser) {
        this.postgres = postgres;
        this.endpoint = endpoint;
        this.superuser = superuser;
    }

    public static PostgresServer start(Path dataDir, int port) {
        return start(dataDir, port, PostgresEndpoint.DEFAULT_DATABASE, PostgresEndpoint.DEFAULT_USER, PostgresEndpoint.DEFAULT_PASSWORD);
    }

    /**
     * Starts the server on the data in {@code dataDir}/postgres. A server an earlier run of the same folder left
     * running (its JVM was killed) is stopped first; a server of another folder is left alone.
     */
    public static PostgresServer start(Path dataDir, int port, String database, String user, String password) {
        Path pgData = dataDir.toAbsolutePath().normalize().resolve("postgres");
        new LeftoverPostmaster(pgData, ORPHAN_STOP_GRACE).reclaim();
        Ports.requireFree(port, "PostgreSQL", "--postgres-port");
        try {
            Files.createDirectories(pgData.getParent());
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", Ports.LOOPBACK)
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("fsync", "off")
                    .start();
            PostgresEndpoint superuser = new PostgresEndpoint(Ports.LOOPBACK, port, "postgres", "postgres", "postgres");
            PostgresServer server = new PostgresServer(postgres, new PostgresEndpoint(Ports.LOOPBACK, port, database, user, password), superuser);
            server.ensureUserAndDatabase(user, password, database);
            server.requirePasswords(pgData);
            log.info("PostgreSQL ready on {}:{} (database {}, user {}, data in {})", Ports.LOOPBACK, port, database, user, pgData);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + pgData + ": " + e.getMessage(), e);
        }
    }

    public PostgresEndpoint endpoint() {
        return endpoint;
    }

    /** Creates (or empties) a database owned by the default user, for a test that needs its own. */
    public PostgresEndpoint freshDatabase(String name) {
        try (Connection c = superuser.connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            s.execute("CREATE DATABASE \"" + name + "\" OWNER \"" + endpoint.user() + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return endpoint.withDatabase(name);
    }

    private void ensureUserAndDatabase(String user, String password, String database) {
        try (Connection c = superuser.connect()) {
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", user)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE ROLE \"" + user + "\" LOGIN CREATEDB PASSWORD '" + password.replace("'", "''") + "'");
                }
            }
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", database)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE \"" + database + "\" OWNER \"" + user + "\"");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare user " + user + " and database " + database + ": " + e.getMessage(), e);
        }
    }

    /**
     * Embedded binaries trust every local connection; a real server checks passwords. Only the bootstrap superuser
     * keeps trust (tests and the launcher administer with it); everyone else authenticates with SCRAM.
     */
    private void requirePasswords(Path pgData) {
        String hba = """
                # written by Offsite's embedded PostgreSQL: passwords are checked like on a real server
                local   all   postgres                 trust
                host    all   postgres   127.0.0.1/32  trust
                local   all   all                      scram-sha-256
                host    all   all        127.0.0.1/32  scram-sha-256
                host    all   all        ::1/128       scram-sha-256
                """;
        try (Connection c = superuser.connect(); Statement s = c.createStatement()) {
            Files.writeString(pgData.resolve("pg_hba.conf"), hba);
            s.execute("SELECT pg_reload_conf()");
        } catch (IOException | SQLException e) {
            throw new IllegalStateException("cannot configure password authentication of embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection c, String sql, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}
