package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.localstack.Ports;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.worker.artifact.BackupMetadata;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import io.offsite.worker.storage.StoredObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code offsite local --encrypt}: an identity is created in the data folder (owner only), every source's backups are
 * encrypted to it, the banner says where it is and what losing it means, and {@code offsite restore --identity} brings a
 * backup back.
 */
class LocalEncryptionIT {

    @TempDir
    static Path data;

    static LocalOptions options;
    static LocalSystem system;

    @BeforeAll
    static void start() throws Exception {
        options = LocalOptions.parse(List.of("--encrypt", "--data", data.toString(), "--kafka-port", Integer.toString(Ports.freePort()),
                "--s3-port", Integer.toString(Ports.freePort()), "--postgres-port", Integer.toString(Ports.freePort()),
                "--http-port", Integer.toString(Ports.freePort())));
        assertThat(options.encrypt()).isTrue();
        system = new LocalSystem(options);
        system.start();
    }

    @AfterAll
    static void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void backupsAreEncryptedToTheCreatedIdentityWhichRestoresThem() throws Exception {
        Path identity = data.resolve("age-identity.txt");
        assertThat(identity).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(identity))).isEqualTo("rw-------");
        String recipient = Files.readAllLines(identity).stream().filter(l -> l.startsWith("# public key: ")).findFirst().orElseThrow()
                .substring("# public key: ".length());

        ByteArrayOutputStream banner = new ByteArrayOutputStream();
        system.printEndpoints(new PrintStream(banner, true, StandardCharsets.UTF_8));
        assertThat(banner.toString(StandardCharsets.UTF_8)).contains("Encryption").contains(identity.toString())
                .contains("losing it loses the backups").contains(recipient);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new RunCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(List.of("backup-database", "--timeout", "3m", "--api", "http://127.0.0.1:" + options.schedulerPort(),
                        "--kafka", options.bootstrapServers(), "--kafka-credentials", options.kafkaCredentials().toString(),
                        "--token-file", data.resolve(ApiToken.FILE_NAME).toString()));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("exit code; stdout %s stderr %s", printed, err).isZero();
        String key = printed.lines().filter(l -> l.contains("s3://offsite-backups/")).findFirst().orElseThrow()
                .replaceAll(".*s3://offsite-backups/(\\S+).*", "$1");
        assertThat(key).endsWith(".sqlite3.db.gz.age");
        try (ObjectStore store = new ObjectStore(StorageProperties.of(URI.create(options.s3Endpoint()),
                S3Endpoint.DEFAULT_ACCESS_KEY, S3Endpoint.DEFAULT_SECRET_KEY, S3Endpoint.DEFAULT_BUCKET))) {
            StoredObject stored = store.head(key).orElseThrow();
            assertThat(stored.metadata()).containsEntry(BackupMetadata.ENCRYPTION, "age")
                    .containsEntry(BackupMetadata.RECIPIENTS, BackupMetadata.fingerprint(recipient));
        }

        Map<String, String> env = Map.of("S3_ENDPOINT", options.s3Endpoint(), RestoreCommand.IDENTITY_ENV, identity.toString());
        Path target = data.resolve("restored.db");
        ByteArrayOutputStream restoreOut = new ByteArrayOutputStream();
        ByteArrayOutputStream restoreErr = new ByteArrayOutputStream();
        int restored = new RestoreCommand(new PrintStream(restoreOut, true, StandardCharsets.UTF_8), new PrintStream(restoreErr, true,
                StandardCharsets.UTF_8), env, Clock.systemUTC()).run(List.of("--key", key, "--to", target.toString()));
        assertThat(restored).as("%s %s", restoreOut, restoreErr).isZero();
        assertThat(restoreOut.toString(StandardCharsets.UTF_8)).contains("integrity_check: ok").contains("pokemon_cards=15000");
    }
}
