package io.offsite.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.backup.crypt.AgeCli;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.s3.S3Endpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.NestedExceptionUtils;

/**
 * The backup worker, started as an operator starts it against the local Kafka and S3, refuses an encryption setting
 * that is not a list of age recipients, naming the setting, and never prints an identity given as one.
 */
@ExtendWith(OutputCaptureExtension.class)
class EncryptionSettingsIT {

    @TempDir
    Path dir;

    @Test
    void anIdentityGivenAsARecipientStopsTheStartAndIsNotPrinted(CapturedOutput output) throws Exception {
        Path key = dir.resolve("key.txt");
        AgeCli.keygen(key);
        String identity = Files.readAllLines(key).stream().filter(l -> l.startsWith("AGE-SECRET-KEY-1")).findFirst().orElseThrow();
        List<String> args = worker("--offsite.backup.sources.shop.encryption.recipients[0]=" + identity);

        assertThatThrownBy(() -> BackupWorkerApplication.application().run(args.toArray(String[]::new)).close())
                .satisfies(e -> assertThat(NestedExceptionUtils.getMostSpecificCause(e).getMessage())
                        .startsWith("offsite.backup.sources.shop.encryption: encryption recipient 1 is an age identity (a private key)"));
        String secret = identity.substring("AGE-SECRET-KEY-1".length());
        assertThat(output.getAll()).contains("is an age identity").doesNotContain(secret);
    }

    @Test
    void aRecipientThatIsNotAnAgeKeyStopsTheStartNamingTheGlobalSetting() {
        List<String> args = worker("--offsite.backup.encryption.recipients[0]=age1nonsense");

        assertThatThrownBy(() -> BackupWorkerApplication.application().run(args.toArray(String[]::new)).close())
                .satisfies(e -> assertThat(NestedExceptionUtils.getMostSpecificCause(e).getMessage())
                        .startsWith("offsite.backup.encryption: encryption recipient 1 ('age1nonsense') is not an age X25519 public key"));
    }

    private List<String> worker(String setting) {
        S3Endpoint s3 = LocalStack.s3();
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0", "--server.address=127.0.0.1",
                "--spring.kafka.bootstrap-servers=" + LocalStack.kafka().bootstrapServers(),
                "--offsite.s3.endpoint=" + s3.endpoint(), "--offsite.s3.access-key=" + s3.accessKey(),
                "--offsite.s3.secret-key=" + s3.secretKey(), "--offsite.s3.bucket=" + s3.bucket(),
                "--offsite.worker.group-id=encryption-settings-it",
                "--offsite.backup.temp-dir=" + dir.resolve("tmp"),
                "--offsite.backup.sources.shop.type=sqlite", "--offsite.backup.sources.shop.path=" + dir.resolve("shop.db"),
                "--offsite.backup.sources.shop.series=shop-backups", "--offsite.backup.sources.shop.file-prefix=shop"));
        args.add(setting);
        return args;
    }
}
