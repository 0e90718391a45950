package io.offsite.backup.crypt;

import com.exceptionfactory.jagged.EncryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.conscrypt.Conscrypt;

/**
 * The ChaCha20-Poly1305 that encrypts an age payload, 64 KiB at a time: it is where encryption spends its time. The
 * JDK 17's runs at about 285 MB/s on one core of the reference machine, BoringSSL's (through Conscrypt) at about
 * 2 GB/s with the same output. {@link #choose} takes Conscrypt's when it loads on this platform and passes a
 * known-answer check against the JDK's, else the JDK's. Only encryption uses it: reading back (restore, verification)
 * opens stored, possibly altered objects with the JDK's cipher.
 */
public final class AgeCipher {

    /** The JDK's cipher, always available. */
    public static final AgeCipher JDK = new AgeCipher(null, "ChaCha20-Poly1305 of the JDK");

    /** The name under which Jagged asks its provider for the payload cipher. */
    static final String JAGGED_CIPHER = "ChaCha20-Poly1305";
    private static final String CONSCRYPT_CIPHER = "ChaCha20/Poly1305/NoPadding";

    private final Provider provider;
    private final String description;

    private AgeCipher(Provider provider, String description) {
        this.provider = provider;
        this.description = description;
    }

    /**
     * The fastest cipher that works here.
     *
     * @param allowNative whether BoringSSL (native code shipped in the Conscrypt jar) may be used; false: the JDK's
     */
    public static AgeCipher choose(boolean allowNative) {
        return allowNative ? choose(Conscrypt::newProvider) : JDK;
    }

    /** Conscrypt's (from {@code nativeProvider}) when it loads and agrees with the JDK's; else the JDK's, saying why. */
    static AgeCipher choose(Supplier<Provider> nativeProvider) {
        try {
            Provider adapted = adapt(nativeProvider.get());
            Optional<String> disagreement = knownAnswer(adapted);
            if (disagreement.isPresent()) {
                return new AgeCipher(null, JDK.description + " (BoringSSL's " + disagreement.get() + ")");
            }
            return new AgeCipher(adapted, "ChaCha20-Poly1305 of BoringSSL, by Conscrypt");
        } catch (LinkageError | RuntimeException | GeneralSecurityException e) {
            // no native library for this platform (Conscrypt ships Linux, macOS and Windows on x86-64), or a JDK that
            // refuses unsigned cipher providers
            return new AgeCipher(null, JDK.description + " (BoringSSL unavailable here: " + e + ")");
        }
    }

    /** Whether the native cipher is in use. */
    public boolean isNative() {
        return provider != null;
    }

    /** What encrypts, for the worker's log. */
    public String description() {
        return description;
    }

    EncryptingChannelFactory channelFactory() {
        return provider == null ? new StandardEncryptingChannelFactory() : new StandardEncryptingChannelFactory(provider);
    }

    /** Conscrypt's ChaCha20-Poly1305 under the name Jagged asks for (Conscrypt names it by its transformation). */
    private static Provider adapt(Provider conscrypt) throws NoSuchAlgorithmException {
        Provider.Service target = conscrypt.getService("Cipher", CONSCRYPT_CIPHER);
        if (target == null) {
            throw new NoSuchAlgorithmException(conscrypt.getName() + " has no " + CONSCRYPT_CIPHER);
        }
        return new Adapter(conscrypt, target);
    }

    /** Empty when the adapted cipher seals a chunk exactly as the JDK's does; else what differed. */
    private static Optional<String> knownAnswer(Provider adapted) throws GeneralSecurityException {
        byte[] key = new byte[32];
        byte[] nonce = new byte[12];
        byte[] chunk = new byte[64 * 1024 + 17];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 31 + 7);
        }
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i + 1);
        }
        nonce[11] = 1; // age's last-chunk flag
        byte[] expected = seal(Cipher.getInstance(JAGGED_CIPHER), key, nonce, chunk);
        byte[] actual = seal(Cipher.getInstance(JAGGED_CIPHER, adapted), key, nonce, chunk);
        return Arrays.equals(expected, actual) ? Optional.empty() : Optional.of("output differs from the JDK's");
    }

    private static byte[] seal(Cipher cipher, byte[] key, byte[] nonce, byte[] chunk) throws GeneralSecurityException {
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(nonce));
        return cipher.doFinal(chunk);
    }

    @Override
    public String toString() {
        return description;
    }

    /** A provider with one service: the native ChaCha20-Poly1305, by Jagged's name for it. */
    private static final class Adapter extends Provider {

        private static final long serialVersionUID = 1L;

        Adapter(Provider conscrypt, Provider.Service target) {
            super("OffsiteAge", "1", "ChaCha20-Poly1305 of " + conscrypt.getName() + " for age payloads");
            putService(new Provider.Service(this, "Cipher", JAGGED_CIPHER, target.getClassName(), null, null) {
                @Override
                public Object newInstance(Object parameter) throws NoSuchAlgorithmException {
                    return target.newInstance(parameter);
                }
            });
        }
    }
}
