package io.offsite.localstack;

import io.offsite.localstack.kafka.KafkaBroker;
import io.offsite.localstack.postgres.PostgresEndpoint;
import io.offsite.localstack.postgres.PostgresServer;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.localstack.s3.S3Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real infrastructure for tests, started lazily once per test JVM on free loopback ports and stopped when
 * the JVM exits: a Kafka broker, an S3 API and PostgreSQL (embedded, or the server named by
 * {@code OFFSITE_TEST_POSTGRES_URL}). Data goes under the {@code offsite.test.data} folder (Maven sets it
 * to {@code target/offsite-test}), one sub-folder per JVM.
 */
public final class LocalStack {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    public static final String TEST_POSTGRES_URL_ENV = "OFFSITE_TEST_POSTGRES_URL";

    private static final Deque<AutoCloseable> started = new ArrayDeque<>();
    private static Path dataDir;
    private static KafkaBroker kafka;
    private static S3Server s3;
    private static PostgresEndpoint postgres;
    private static PostgresServer postgresServer;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(LocalStack::stopAll, "offsite-local-stack-shutdown"));
    }

    private LocalStack() {
    }

    public static synchronized KafkaBroker kafka() {
        if (kafka == null) {
            kafka = remember(KafkaBroker.start(dataDir().resolve("kafka"), Ports.freePort()));
        }
        return kafka;
    }

    public static synchronized S3Server s3Server() {
        if (s3 == null) {
            s3 = remember(S3Server.start(dataDir(), Ports.freePort()));
        }
        return s3;
    }

    public static S3Endpoint s3() {
        return s3Server().endpoint();
    }

    /** The embedded server, when tests do not use an external one (empty with {@code OFFSITE_TEST_POSTGRES_URL}). */
    public static synchronized Optional<PostgresServer> postgresServer() {
        postgres();
        return Optional.ofNullable(postgresServer);
    }

    public static synchronized PostgresEndpoint postgres() {
        if (postgres == null) {
            String url = System.getenv(TEST_POSTGRES_URL_ENV);
            if (url != null && !url.isBlank()) {
                postgres = PostgresEndpoint.parseJdbcUrl(url);
                log.info("tests use the PostgreSQL server at {}", postgres);
            } else {
                postgresServer = remember(PostgresServer.start(dataDir(), Ports.freePort()));
                postgres = postgresServer.endpoint();
            }
        }
        return postgres;
    }

    /**
     * A database of its own for one test, emptied if it exists. With an external server the configured user
     * needs the CREATEDB privilege.
     */
    public static PostgresEndpoint freshPostgresDatabase(String name) {
        return postgresServer().map(s -> s.freshDatabase(name)).orElseGet(() -> {
            PostgresEndpoint base = postgres();
            try (var c = base.connect(); var s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
                s.execute("CREATE DATABASE \"" + name + "\"");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot create test database " + name + " on " + base + ": " + e.getMessage(), e);
            }
            return base.withDatabase(name);
        });
    }

    /** A folder for this JVM's test data. */
    public static synchronized Path dataDir() {
        if (dataDir == null) {
            try {
                Path base = Path.of(System.getProperty("offsite.test.data", System.getProperty("java.io.tmpdir")));
                Files.createDirectories(base);
                dataDir = Files.createTempDirectory(base, "stack-");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a test data folder: " + e.getMessage(), e);
            }
        }
        return dataDir;
    }

    private static <T extends AutoCloseable> T remember(T resource) {
        started.push(resource);
        return resource;
    }

    private static synchronized void stopAll() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                log.warn("cannot stop test infrastructure cleanly: {}", e.toString());
            }
        }
    }
}
