package io.offsite.launcher;

import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** The options {@code local} and {@code infra} share: the data folder, the loopback ports, open Kafka, no PostgreSQL. */
final class LocalSettings {

    @Option(names = "--data", paramLabel = "DIR", description = "data folder (default: $OFFSITE_DATA_DIR, else ./data)")
    Path data;

    @Option(names = "--kafka-port", paramLabel = "N", converter = Port.class, description = "Kafka's port (default: ${DEFAULT-VALUE})")
    int kafkaPort = 9092;

    @Option(names = "--s3-port", paramLabel = "N", converter = Port.class, description = "the S3 API's port (default: ${DEFAULT-VALUE})")
    int s3Port = 9000;

    @Option(names = "--postgres-port", paramLabel = "N", converter = Port.class, description = "PostgreSQL's port (default: ${DEFAULT-VALUE})")
    int postgresPort = 5433;

    @Option(names = "--http-port", paramLabel = "N", converter = Port.class,
            description = "the scheduler's port; the backup, rotation and replication workers use the next three (default: ${DEFAULT-VALUE})")
    int httpPort = 8080;

    @Option(names = "--open", description = "Kafka without authentication (PLAINTEXT, no ACLs): for experiments only")
    boolean open;

    @Option(names = "--no-postgres", description = "no embedded PostgreSQL (POSTGRES_HOST may name a server instead)")
    boolean noPostgres;

    LocalOptions options(boolean demo) {
        Path dir = data != null ? data : Path.of(LocalOptions.env("OFFSITE_DATA_DIR", "data"));
        return new LocalOptions(dir.toAbsolutePath().normalize(), kafkaPort, s3Port, postgresPort, httpPort, httpPort + 1, httpPort + 2,
                httpPort + 3, demo, !noPostgres, open);
    }

    /** A TCP port, 1 to 65535. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 1 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("needs a port number between 1 and 65535, got '" + value + "'");
        }
    }
}
