package io.offsite.backup.crypt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native cipher where it loads, the JDK's otherwise; either way an age file any age reader opens. */
class AgeCipherTest {

    @TempDir
    static Path dir;
    static Path key;
    static String recipient;
    /** Many chunks (64 KiB each) and a partial last one. */
    static final byte[] DATA = new byte[40 * 65536 + 999];

    @BeforeAll
    static void keys() throws Exception {
        key = dir.resolve("key.txt");
        recipient = AgeCli.keygen(key);
        new Random(13).nextBytes(DATA);
    }

    @Test
    void onThisPlatformBoringSslIsChosenAndTheAgeCliAndTheJdkOpenWhatItWrote() throws Exception {
        AgeCipher cipher = AgeCipher.choose(true);
        assertThat(cipher.isNative()).as(cipher.description()).isTrue();
        assertThat(cipher.description()).contains("BoringSSL");

        byte[] file = encrypt(cipher);
        Path encrypted = dir.resolve("native.age");
        Files.write(encrypted, file);
        Path decrypted = dir.resolve("native.out");
        AgeCli.run(encrypted, decrypted, "age", "-d", "-i", key.toString());
        assertThat(Files.readAllBytes(decrypted)).isEqualTo(DATA);
        try (InputStream in = AgeIdentity.load(key).decrypt(new ByteArrayInputStream(file))) {
            assertThat(in.readAllBytes()).isEqualTo(DATA);
        }
    }

    @Test
    void withoutNativeCodeTheJdksCipherWritesTheSameFormat() throws Exception {
        AgeCipher cipher = AgeCipher.choose(false);
        assertThat(cipher.isNative()).isFalse();
        assertThat(cipher).isSameAs(AgeCipher.JDK);
        Path encrypted = dir.resolve("jdk.age");
        Files.write(encrypted, encrypt(cipher));
        Path decrypted = dir.resolve("jdk.out");
        AgeCli.run(encrypted, decrypted, "age", "-d", "-i", key.toString());
        assertThat(Files.readAllBytes(decrypted)).isEqualTo(DATA);
    }

    @Test
    void aNativeLibraryThatDoesNotLoadFallsBackToTheJdkSayingWhy() {
        AgeCipher cipher = AgeCipher.choose(() -> {
            throw new UnsatisfiedLinkError("no conscrypt_openjdk_jni-linux-aarch_64");
        });
        assertThat(cipher.isNative()).isFalse();
        assertThat(cipher.description()).startsWith("ChaCha20-Poly1305 of the JDK (BoringSSL unavailable here")
                .contains("linux-aarch_64");
    }

    @Test
    void aProviderWithoutTheCipherFallsBackToTheJdk() {
        AgeCipher cipher = AgeCipher.choose(() -> new Provider("Empty", "1", "offers nothing") {
            private static final long serialVersionUID = 1L;
        });
        assertThat(cipher.isNative()).isFalse();
        assertThat(cipher.description()).contains("Empty has no ChaCha20/Poly1305/NoPadding");
    }

    private static byte[] encrypt(AgeCipher cipher) throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (OutputStream out = AgeRecipients.of(List.of(recipient)).using(cipher).encrypt(sink)) {
            for (int i = 0; i < DATA.length; i += 100_000) {
                out.write(DATA, i, Math.min(100_000, DATA.length - i));
            }
        }
        return sink.toByteArray();
    }
}
