package io.offsite.launcher;

import java.nio.file.Path;
import java.util.List;

/**
 * Settings of {@code offsite local}: where data lives and which loopback ports the embedded parts use; {@code open}
 * runs Kafka without authentication (PLAINTEXT, no ACLs) instead of giving every service its own user.
 */
record LocalOptions(Path dataDir, int kafkaPort, int s3Port, int postgresPort, int schedulerPort, int backupPort,
                    int rotationPort, int replicationPort, boolean demo, boolean postgres, boolean open) {

    /** Secure Kafka, as {@code offsite local} without {@code --open}. */
    LocalOptions(Path dataDir, int kafkaPort, int s3Port, int postgresPort, int schedulerPort, int backupPort,
                 int rotationPort, int replicationPort, boolean demo, boolean postgres) {
        this(dataDir, kafkaPort, s3Port, postgresPort, schedulerPort, backupPort, rotationPort, replicationPort, demo, postgres, false);
    }

    /** The same settings with Kafka open (PLAINTEXT, no ACLs). */
    LocalOptions withOpenKafka() {
        return new LocalOptions(dataDir, kafkaPort, s3Port, postgresPort, schedulerPort, backupPort, rotationPort, replicationPort,
                demo, postgres, true);
    }

    /** Where {@code offsite local} keeps the passwords of its Kafka users. */
    Path kafkaCredentials() {
        return dataDir.resolve(io.offsite.localstack.kafka.KafkaCredentials.FILE_NAME);
    }

    static LocalOptions parse(List<String> args) {
        Path data = Path.of(env("OFFSITE_DATA_DIR", "data"));
        int kafka = 9092;
        int s3 = 9000;
        int postgres = 5433;
        int http = 8080;
        boolean demo = false;
        boolean withPostgres = true;
        boolean open = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--demo" -> demo = true;
                case "--no-postgres" -> withPostgres = false;
                case "--open" -> open = true;
                case "--data" -> data = Path.of(value(args, ++i, arg));
                case "--kafka-port" -> kafka = port(value(args, ++i, arg), arg);
                case "--s3-port" -> s3 = port(value(args, ++i, arg), arg);
                case "--postgres-port" -> postgres = port(value(args, ++i, arg), arg);
                case "--http-port" -> http = port(value(args, ++i, arg), arg);
                default -> throw new UsageException("unknown option for 'local': " + arg);
            }
        }
        return new LocalOptions(data.toAbsolutePath().normalize(), kafka, s3, postgres, http, http + 1, http + 2, http + 3, demo, withPostgres,
                open);
    }

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    String s3Endpoint() {
        return "http://127.0.0.1:" + s3Port;
    }

    static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i);
    }

    static int port(String value, String option) {
        try {
            int port = Integer.parseInt(value);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a port number between 1 and 65535, got '" + value + "'");
        }
    }

    /** Adds a {@code key=value} command-line parameter to {@code parameters}. */
    static void addParameter(java.util.Map<String, String> parameters, String keyValue) {
        int eq = keyValue.indexOf('=');
        if (eq <= 0) {
            throw new UsageException("--param needs key=value, got '" + keyValue + "'");
        }
        parameters.put(keyValue.substring(0, eq), keyValue.substring(eq + 1));
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
