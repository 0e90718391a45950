package io.offsite.localstack.postgres;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** How to reach a PostgreSQL database. {@link #toString()} never shows the password. */
public record PostgresEndpoint(String host, int port, String database, String user, String password) {

    public static final String DEFAULT_DATABASE = "pokemon_tcg";
    public static final String DEFAULT_USER = "pokemon";
    public static final String DEFAULT_PASSWORD = "pokemon";
    public static final int DEFAULT_PORT = 5433;

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public PostgresEndpoint withDatabase(String name) {
        return new PostgresEndpoint(host, port, name, user, password);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /**
     * Parses {@code jdbc:postgresql://host:port/db?user=u&password=p}, the form of {@code OFFSITE_TEST_POSTGRES_URL}.
     */
    public static PostgresEndpoint parseJdbcUrl(String url) {
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("expected jdbc:postgresql://host:port/database?user=..&password=.., got "
                    + url.replaceAll("password=[^&]*", "password=***"));
        }
        URI uri = URI.create(url.substring("jdbc:".length()));
        Map<String, String> query = new HashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        return new PostgresEndpoint(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database,
                query.getOrDefault("user", "postgres"), query.getOrDefault("password", ""));
    }

    @Override
    public String toString() {
        return "PostgresEndpoint[" + user + "@" + host + ":" + port + "/" + database + "]";
    }
}
