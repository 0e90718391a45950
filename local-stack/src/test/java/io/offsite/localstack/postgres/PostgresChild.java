package io.offsite.localstack.postgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

/**
 * Runs an embedded PostgreSQL in a JVM of its own, for a test to kill: writes a row, prints {@code READY}, then waits
 * forever. Arguments: data folder, port.
 */
public final class PostgresChild {

    static final String READY = "READY";

    private PostgresChild() {
    }

    public static void main(String[] args) throws Exception {
        PostgresServer server = PostgresServer.start(Path.of(args[0]), Integer.parseInt(args[1]));
        try (Connection c = server.endpoint().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS survivor (note text)");
            s.execute("INSERT INTO survivor VALUES ('written before the crash')");
        }
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
