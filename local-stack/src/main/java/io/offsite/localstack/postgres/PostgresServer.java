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
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server from embedded binaries, with Offsite's default database and user created at
 * start. Data lives under the given folder and survives restarts.
 *
 * <p>Every login needs a password (SCRAM, {@code pg_hba.conf} trusts no one). The superuser {@code postgres} gets a
 * random password kept in {@code <data>/postgres.superuser-password} (owner-only); the other roles are created with
 * known local passwords and none is a superuser:
 * <ul>
 *   <li>the default user ({@code pokemon}): owner of the default database, CREATEDB;</li>
 *   <li>{@link #verifier()} ({@code offsite_verify}): CREATEDB only, for the scratch restores of verification, so that
 *       what a planted dump asks of the server ({@code COPY ... TO PROGRAM}, reading server files) is refused;</li>
 *   <li>{@link #replicator()} ({@code offsite_replication}): may create tables in the default database's
 *       {@code public} schema and owns the tables it created there (the replica), nothing else; the default user
 *       keeps every privilege but DDL on them.</li>
 * </ul>
 */
public final class PostgresServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresServer.class);

    /** How long an orphaned server of the same data folder may take to shut down before it is killed. */
    static final Duration ORPHAN_STOP_GRACE = Duration.ofSeconds(10);

    /** The role verification restores dumps as, and its local password. */
    public static final String VERIFY_USER = "offsite_verify";
    public static final String VERIFY_PASSWORD = "offsite-verify";
    /** The role the replication worker writes as, and its local password. */
    public static final String REPLICATION_USER = "offsite_replication";
    public static final String REPLICATION_PASSWORD = "offsite-replication";
    static final String SUPERUSER_PASSWORD_FILE = "postgres.superuser-password";
    /** What the default user (the application) may do with the replica tables the replication role owns: all but DDL. */
    static final String APP_TABLE_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER";

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
            String superPassword = superuserPassword(pgData.getParent().resolve(SUPERUSER_PASSWORD_FILE));
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setConnectConfig("password", superPassword)
                    .setPort(port)
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", Ports.LOOPBACK)
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("fsync", "off")
                    .start();
            PostgresEndpoint superuser = new PostgresEndpoint(Ports.LOOPBACK, port, "postgres", "postgres", superPassword);
            PostgresServer server = new PostgresServer(postgres, new PostgresEndpoint(Ports.LOOPBACK, port, database, user, password), superuser);
            server.ensureUserAndDatabase(user, password, database);
            server.ensureLeastPrivilegeRoles(user, database);
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

    /** The superuser, with its password (for tests and administration; never for a worker). */
    public PostgresEndpoint superuser() {
        return superuser.withDatabase(endpoint.database());
    }

    /** The non-superuser role of verification's scratch restores (CREATEDB only), on the maintenance database. */
    public PostgresEndpoint verifier() {
        return new PostgresEndpoint(endpoint.host(), endpoint.port(), "postgres", VERIFY_USER, VERIFY_PASSWORD);
    }

    /** The non-superuser role of the replication worker, on the default database. */
    public PostgresEndpoint replicator() {
        return new PostgresEndpoint(endpoint.host(), endpoint.port(), endpoint.database(), REPLICATION_USER, REPLICATION_PASSWORD);
    }

    /**
     * The superuser's password: read from {@code file}, or made up and written there (owner-only from creation) on the
     * first start of a data folder.
     */
    static String superuserPassword(Path file) throws IOException {
        if (Files.exists(file)) {
            String password = Files.readString(file).strip();
            if (!password.isEmpty()) {
                return password;
            }
        }
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        String password = java.util.HexFormat.of().formatHex(random);
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Files.createFile(partial, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(partial, password + "\n");
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return password;
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
     * The roles of verification and replication (created once; their passwords set at every start). A data folder
     * from before the replication role existed hands the default database's {@code public} tables of the default user
     * (the replica) over to it, once.
     */
    private void ensureLeastPrivilegeRoles(String user, String database) {
        boolean newReplicator;
        try (Connection c = superuser.connect(); Statement s = c.createStatement()) {
            s.execute("SET password_encryption = 'scram-sha-256'");
            s.execute("ALTER ROLE postgres PASSWORD '" + superuser.password().replace("'", "''") + "'");
            if (!exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", VERIFY_USER)) {
                s.execute("CREATE ROLE " + VERIFY_USER + " LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOREPLICATION");
            }
            s.execute("ALTER ROLE " + VERIFY_USER + " PASSWORD '" + VERIFY_PASSWORD + "'");
            newReplicator = !exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", REPLICATION_USER);
            if (newReplicator) {
                s.execute("CREATE ROLE " + REPLICATION_USER + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION");
            }
            s.execute("ALTER ROLE " + REPLICATION_USER + " PASSWORD '" + REPLICATION_PASSWORD + "'");
            s.execute("ALTER ROLE \"" + user + "\" PASSWORD '" + endpoint.password().replace("'", "''") + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the roles of verification and replication: " + e.getMessage(), e);
        }
        try (Connection c = superuser.withDatabase(database).connect(); Statement s = c.createStatement()) {
            s.execute("GRANT USAGE, CREATE ON SCHEMA public TO " + REPLICATION_USER);
            // the application keeps reading and writing the replica it does not own
            String app = "\"" + user.replace("\"", "\"\"") + "\"";
            s.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + REPLICATION_USER + " IN SCHEMA public GRANT " + APP_TABLE_PRIVILEGES + " ON TABLES TO " + app);
            s.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + REPLICATION_USER + " IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO " + app);
            List<String> handOver = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' AND tableowner = ?"
                    + " AND ?")) {
                ps.setString(1, user);
                ps.setBoolean(2, newReplicator);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        handOver.add(rs.getString(1));
                    }
                }
            }
            for (String table : handOver) {
                s.execute("ALTER TABLE public." + table + " OWNER TO " + REPLICATION_USER);
                s.execute("GRANT " + APP_TABLE_PRIVILEGES + " ON TABLE public." + table + " TO \"" + user.replace("\"", "\"\"") + "\"");
            }
            if (!handOver.isEmpty()) {
                log.info("Handed the replica tables {} over to role {}", handOver, REPLICATION_USER);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot grant role " + REPLICATION_USER + " its schema: " + e.getMessage(), e);
        }
    }

    /**
     * Embedded binaries trust every local connection (initdb {@code -A trust}); a real server checks passwords.
     * Everyone, the superuser included, authenticates with SCRAM from loopback only.
     */
    private void requirePasswords(Path pgData) {
        String hba = """
                # written by Offsite's embedded PostgreSQL: every login needs its password, from this machine only
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
