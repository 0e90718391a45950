package io.offsite.backup.crypt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offsite's age streams and Debian's age CLI read each other; a wrong key, a damaged file and a bad header are told apart. */
class AgeInteropTest {

    @TempDir
    static Path dir;
    static Path oldKey;
    static Path newKey;
    static String oldRecipient;
    static String newRecipient;
    /** Several chunks (64 KiB each) and a partial last one. */
    static final byte[] DATA = new byte[3 * 65536 + 1234];

    @BeforeAll
    static void keys() throws Exception {
        oldKey = dir.resolve("old.txt");
        newKey = dir.resolve("new.txt");
        oldRecipient = AgeCli.keygen(oldKey);
        newRecipient = AgeCli.keygen(newKey);
        new Random(7).nextBytes(DATA);
    }

    static byte[] encrypt(byte[] data, String... recipients) throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = AgeRecipients.of(List.of(recipients)).encrypt(sink)) {
            // small writes, as a compressor makes them
            for (int i = 0; i < data.length; i += 1000) {
                out.write(data, i, Math.min(1000, data.length - i));
            }
        }
        return sink.toByteArray();
    }

    static byte[] decrypt(Path identity, byte[] file) throws Exception {
        try (InputStream in = AgeIdentity.load(identity).decrypt(new ByteArrayInputStream(file))) {
            return in.readAllBytes();
        }
    }

    @Test
    void theAgeCliDecryptsWhatOffsiteEncryptedToSeveralRecipients() throws Exception {
        Path encrypted = dir.resolve("offsite.age");
        Files.write(encrypted, encrypt(DATA, oldRecipient, newRecipient));
        for (Path key : List.of(oldKey, newKey)) {
            Path plain = dir.resolve("plain-" + key.getFileName());
            AgeCli.run(encrypted, plain, "age", "-d", "-i", key.toString());
            assertThat(Files.readAllBytes(plain)).isEqualTo(DATA);
        }
    }

    @Test
    void offsiteDecryptsWhatTheAgeCliEncrypted() throws Exception {
        Path plain = dir.resolve("plain.bin");
        Files.write(plain, DATA);
        Path encrypted = dir.resolve("cli.age");
        AgeCli.run(plain, encrypted, "age", "-r", newRecipient);
        byte[] file = Files.readAllBytes(encrypted);
        assertThat(decrypt(newKey, file)).isEqualTo(DATA);
        assertThat(AgeHeader.read(new ByteArrayInputStream(file)).stanzas()).containsExactly("X25519");
    }

    @Test
    void aWrongIdentityIsToldApartFromADamagedFile() throws Exception {
        byte[] file = encrypt(DATA, oldRecipient);
        assertThatThrownBy(() -> decrypt(newKey, file)).isInstanceOf(AgeIdentity.NotForThisIdentityException.class);

        byte[] tampered = file.clone();
        tampered[tampered.length - 5000] ^= 1;
        assertThatThrownBy(() -> decrypt(oldKey, tampered)).isInstanceOf(IOException.class);

        byte[] truncated = Arrays.copyOf(file, file.length - 70000);
        assertThatThrownBy(() -> decrypt(oldKey, truncated)).isInstanceOf(IOException.class);
        byte[] cutAtChunk = Arrays.copyOf(file, AgeHeader.read(new ByteArrayInputStream(file)).bytes() + 16 + 65536 + 16);
        assertThatThrownBy(() -> decrypt(oldKey, cutAtChunk)).isInstanceOf(IOException.class);
    }

    @Test
    void theHeaderIsCheckedWithoutAKey() throws Exception {
        byte[] file = encrypt(DATA, oldRecipient, newRecipient);
        AgeHeader header = AgeHeader.read(new ByteArrayInputStream(file));
        assertThat(header.stanzas()).containsExactly("X25519", "X25519");
        assertThat(header.bytes()).isBetween(100, 400);
        assertThatThrownBy(() -> AgeHeader.read(new ByteArrayInputStream(new byte[] {0x1f, (byte) 0x8b, 8, 0})))
                .hasMessageContaining("not an age file");
        assertThatThrownBy(() -> AgeHeader.read(new ByteArrayInputStream(Arrays.copyOf(file, header.bytes() - 10))))
                .hasMessageContaining("truncated");
    }

    @Test
    void badKeysAreRefusedWithTheirPlace() throws Exception {
        assertThatThrownBy(() -> AgeRecipients.of(List.of(oldRecipient, "age1nonsense"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("recipient 2");
        assertThatThrownBy(() -> AgeRecipients.of(List.of())).hasMessageContaining("at least one recipient");
        String identity = Files.readAllLines(oldKey).stream().filter(l -> l.startsWith("AGE-SECRET-KEY-1")).findFirst().orElseThrow();
        assertThatThrownBy(() -> AgeRecipients.of(List.of(newRecipient, identity)))
                .hasMessageContaining("recipient 2 is an age identity (a private key)")
                .hasMessageContaining("age-keygen -y")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(identity.substring("AGE-SECRET-KEY-1".length(), 24)));
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "# a comment\nAGE-SECRET-KEY-1XYZ\n");
        assertThatThrownBy(() -> AgeIdentity.load(bad)).hasMessageContaining("line 2");
        assertThatThrownBy(() -> AgeIdentity.load(dir.resolve("missing.txt"))).hasMessageContaining("does not exist");
        assertThat(AgeIdentity.load(oldKey).fingerprints()).containsExactly(io.offsite.worker.artifact.BackupMetadata.fingerprint(oldRecipient));
    }

    @Test
    void aCreatedIdentityIsOwnerOnlyReadByTheAgeCliAndNeverReplaced() throws Exception {
        Path file = dir.resolve("local/age-identity.txt");
        assertThat(AgeIdentity.createIfMissing(file, java.time.Clock.systemUTC())).isTrue();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        AgeIdentity identity = AgeIdentity.load(file);
        assertThat(identity.recipients()).hasSize(1).allSatisfy(r -> assertThat(r).startsWith("age1"));
        String cliRecipient = new String(AgeCli.run(null, null, "age-keygen", "-y", file.toString()), java.nio.charset.StandardCharsets.UTF_8).strip();
        assertThat(identity.recipients()).containsExactly(cliRecipient);
        Path encrypted = dir.resolve("to-created.age");
        Files.write(encrypted, encrypt(DATA, cliRecipient));
        Path plain = dir.resolve("from-created.bin");
        AgeCli.run(encrypted, plain, "age", "-d", "-i", file.toString());
        assertThat(Files.readAllBytes(plain)).isEqualTo(DATA);

        byte[] before = Files.readAllBytes(file);
        assertThat(AgeIdentity.createIfMissing(file, java.time.Clock.systemUTC())).isFalse();
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }
}
