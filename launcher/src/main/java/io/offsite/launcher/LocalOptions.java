package io.offsite.launcher;

import java.nio.file.Path;
import java.util.List;

/**
 * Settings of {@code offsite local}: where data lives and which loopback ports the embedded parts use; {@code open}
 * runs Kafka without authentication (PLAINTEXT, no ACLs) instead of giving every service its own user.
 */
record LocalOptions(Path dataDir, int kafkaPort, int s3Port, int postgresPort, int schedulerPort, int backupPort,
                    int rotationPort, int replicationPort, boolean demo, boolean postgres, boolean open, boolean encrypt) {

    /** The identity {@code --encrypt} creates and encrypts every source's backups to. */
    static final String AGE_IDENTITY_FILE = "age-identity.txt";

    /** Backups in clear. */
    LocalOptions(Path dataDir, int kafkaPort, int s3Port, int postgresPort, int schedulerPort, int backupPort,
                 int rotationPort, int replicationPort, boolean demo, boolean postgres, boolean open) {
        this(dataDir, kafkaPort, s3Port, postgresPort, schedulerPort, backupPort, rotationPort, replicationPort, demo, postgres, open, false);
    }

    /** Secure Kafka, as {@code offsite local} without {@code --open}. */
    LocalOptions(Path dataDir, int kafkaPort, int s3Port, int postgresPort, int schedulerPort, int backupPort,
                 int rotationPort, int replicationPort, boolean demo, boolean postgres) {
        this(dataDir, kafkaPort, s3Port, postgresPort, schedulerPort, backupPort, rotationPort, replicationPort, demo, postgres, false);
    }

    /** The same settings with Kafka open (PLAINTEXT, no ACLs). */
    LocalOptions withOpenKafka() {
        return new LocalOptions(dataDir, kafkaPort, s3Port, postgresPort, schedulerPort, backupPort, rotationPort, replicationPort,
                demo, postgres, true, encrypt);
    }

    /** The same settings with every source's backups encrypted to the identity {@link #ageIdentity()}. */
    LocalOptions withEncryption() {
        return new LocalOptions(dataDir, kafkaPort, s3Port, postgresPort, schedulerPort, backupPort, rotationPort, replicationPort,
                demo, postgres, open, true);
    }

    /** Where {@code --encrypt} keeps the age identity (owner only): losing it loses the encrypted backups. */
    Path ageIdentity() {
        return dataDir.resolve(AGE_IDENTITY_FILE);
    }

    /** Where {@code offsite local} keeps the passwords of its Kafka users. */
    Path kafkaCredentials() {
        return dataDir.resolve(io.offsite.localstack.kafka.KafkaCredentials.FILE_NAME);
    }

    /** The options of {@code offsite local} as it reads them; a wrong command line throws {@link UsageException}. */
    static LocalOptions parse(List<String> args) {
        LocalCommand command = OffsiteCli.parse(new LocalCommand(), args);
        LocalOptions options = command.settings.options(command.demo);
        return command.encrypt ? options.withEncryption() : options;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    String s3Endpoint() {
        return "http://127.0.0.1:" + s3Port;
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
