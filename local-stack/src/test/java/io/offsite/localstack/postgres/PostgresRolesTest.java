package io.offsite.localstack.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.localstack.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server checks every password, the superuser's included, and its working roles are not superusers. */
@Timeout(180)
class PostgresRolesTest {

    @TempDir
    Path data;

    static boolean superuser(PostgresEndpoint endpoint) throws SQLException {
        try (Connection c = endpoint.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Test
    void noLoginWithoutItsPasswordAndNoWorkingRoleIsASuperuser() throws Exception {
        int port = Ports.freePort();
        try (PostgresServer server = PostgresServer.start(data, port)) {
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "")).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "postgres")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            assertThatThrownBy(() -> DriverManager.getConnection(url, PostgresServer.VERIFY_USER, "wrong")).isInstanceOf(SQLException.class);

            assertThat(superuser(server.superuser())).isTrue();
            assertThat(superuser(server.endpoint())).isFalse();
            assertThat(superuser(server.verifier())).isFalse();
            assertThat(superuser(server.replicator())).isFalse();
            try (Connection c = server.replicator().connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE replica_probe (id serial, note text)");
                assertThatThrownBy(() -> s.execute("CREATE DATABASE not_for_replication")).hasMessageContaining("permission denied");
            }
            try (Connection c = server.endpoint().connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO replica_probe (note) VALUES ('the application still writes the replica')");
                assertThatThrownBy(() -> s.execute("DROP TABLE replica_probe")).hasMessageContaining("must be owner");
            }
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve(PostgresServer.SUPERUSER_PASSWORD_FILE))))
                    .isEqualTo("rw-------");
        }
        // a restart reads the superuser's password back (the server now refuses logins without it)
        try (PostgresServer again = PostgresServer.start(data, port)) {
            assertThat(superuser(again.superuser())).isTrue();
        }
    }
}
