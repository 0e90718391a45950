package io.offsite.backup.readback;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** How to reach one PostgreSQL database, for JDBC and for the command-line tools. {@link #toString()} hides the password. */
public record PgConnection(String host, int port, String database, String user, String password) {

    /**
     * Parses {@code jdbc:postgresql://host[:port]/database[?user=..&password=..]}; a password missing from the URL
     * comes from {@code defaultPassword} (the caller passes {@code PGPASSWORD}).
     */
    public static PgConnection parse(String jdbcUrl, String defaultUser, String defaultPassword) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("expected a JDBC URL like jdbc:postgresql://127.0.0.1:5432/mydb?user=me&password=secret, got '"
                    + (jdbcUrl == null ? "" : jdbcUrl.replaceAll("password=[^&]*", "password=***")) + "'");
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() <= 1) {
            throw new IllegalArgumentException("the JDBC URL must name a host and a database, e.g. jdbc:postgresql://127.0.0.1:5432/mydb");
        }
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return new PgConnection(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), uri.getPath().substring(1),
                query.getOrDefault("user", defaultUser == null ? "postgres" : defaultUser),
                query.getOrDefault("password", defaultPassword == null ? "" : defaultPassword));
    }

    /** Whether a JDBC URL carries a password ({@code password=} in its query), which {@code ps} and shell history then show. */
    public static boolean hasPassword(String jdbcUrl) {
        if (jdbcUrl == null) {
            return false;
        }
        int query = jdbcUrl.indexOf('?');
        if (query < 0) {
            return false;
        }
        for (String pair : jdbcUrl.substring(query + 1).split("&")) {
            if (pair.startsWith("password=") && pair.length() > "password=".length()) {
                return true;
            }
        }
        return false;
    }

    public PgConnection withPassword(String newPassword) {
        return new PgConnection(host, port, database, user, newPassword);
    }

    public PgConnection withDatabase(String name) {
        return new PgConnection(host, port, name, user, password);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password == null ? "" : password);
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "offsite");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    /** Options naming this database to {@code pg_restore}, {@code psql} and {@code pg_dump}. */
    java.util.List<String> toolOptions() {
        return java.util.List.of("--host=" + host, "--port=" + port, "--username=" + user, "--dbname=" + database, "--no-password");
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + database;
    }
}
