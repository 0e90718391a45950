package io.offsite.backup.compress;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A compression format with its level and thread count, checked on construction.
 *
 * @param compression the format
 * @param level       within the format's range ({@code 0} for {@link Compression#NONE})
 * @param threads     compression threads, at least 1
 */
public record CompressionSettings(Compression compression, int level, int threads) {

    public CompressionSettings {
        Objects.requireNonNull(compression, "compression");
        compression.checkLevel(level);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
    }

    /** The format's default level on as many threads as there are processors. */
    public static CompressionSettings defaults(Compression compression) {
        return new CompressionSettings(
                compression, compression.defaultLevel(), Runtime.getRuntime().availableProcessors());
    }

    /** gzip level 6 on every processor. */
    public static CompressionSettings defaults() {
        return defaults(Compression.defaultCompression());
    }

    /** See {@link Compression#compress(OutputStream, int, int)}. */
    public OutputStream compress(OutputStream out) throws IOException {
        return compression.compress(out, level, threads);
    }

    /** Appended to the object key. */
    public String extension() {
        return compression.extension();
    }
}
