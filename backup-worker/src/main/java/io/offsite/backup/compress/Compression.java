package io.offsite.backup.compress;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * The compression formats a backup artifact can be written in.
 *
 * <p>{@link #compress} wraps the stream an artifact is written to; closing the returned stream
 * finishes the format and closes the wrapped stream. {@link #decompress} reads it back, for
 * verification and restore. The {@link #id()} is what travels in events ({@code gzip}, {@code zstd},
 * {@code none}).
 */
public enum Compression {

    /** One gzip member, compressed on several threads; readable by {@code gunzip}. */
    GZIP("gzip", ".gz", 1, 9, 6) {
        @Override
        OutputStream open(OutputStream out, int level, int threads) throws IOException {
            return new ParallelGzipOutputStream(out, level, threads);
        }

        @Override
        public InputStream decompress(InputStream in) throws IOException {
            return new GZIPInputStream(in, 64 * 1024);
        }
    },

    /**
     * One zstd frame with a content checksum, compressed by libzstd's own worker threads; readable by
     * {@code zstd -d}. Levels above 19 are not offered: their windows need hundreds of megabytes.
     */
    ZSTD("zstd", ".zst", 1, 19, 3) {
        @Override
        OutputStream open(OutputStream out, int level, int threads) throws IOException {
            ZstdOutputStream zstd = new ZstdOutputStream(out, level);
            try {
                zstd.setChecksum(true);
                // libzstd: 0 workers compresses on the calling thread, n > 0 on n extra threads
                zstd.setWorkers(threads == 1 ? 0 : threads);
            } catch (IOException | RuntimeException e) {
                zstd.close();
                throw e;
            }
            return new InterruptibleOutputStream(zstd);
        }

        @Override
        public InputStream decompress(InputStream in) throws IOException {
            return new ZstdInputStream(new BufferedInputStream(in, 64 * 1024));
        }
    },

    /** Bytes stored as they are. */
    NONE("none", "", 0, 0, 0) {
        @Override
        OutputStream open(OutputStream out, int level, int threads) {
            return new InterruptibleOutputStream(out);
        }

        @Override
        public InputStream decompress(InputStream in) {
            return in;
        }
    };

    private final String id;
    private final String extension;
    private final int minLevel;
    private final int maxLevel;
    private final int defaultLevel;

    Compression(String id, String extension, int minLevel, int maxLevel, int defaultLevel) {
        this.id = id;
        this.extension = extension;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
        this.defaultLevel = defaultLevel;
    }

    /** The default format of backup artifacts. */
    public static Compression defaultCompression() {
        return GZIP;
    }

    /**
     * The format with this {@link #id()}, ignoring case.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Compression fromId(String id) {
        Objects.requireNonNull(id, "id");
        String wanted = id.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(c -> c.id.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown compression '" + id + "', expected one of gzip, zstd, none"));
    }

    /** The name used in events and settings: {@code gzip}, {@code zstd} or {@code none}. */
    public String id() {
        return id;
    }

    /** Appended to the object key: {@code .gz}, {@code .zst}, or nothing. */
    public String extension() {
        return extension;
    }

    public int minLevel() {
        return minLevel;
    }

    public int maxLevel() {
        return maxLevel;
    }

    public int defaultLevel() {
        return defaultLevel;
    }

    /**
     * Wraps {@code out} with this format's compressor.
     *
     * <p>The returned stream reacts to interruption of the writing thread by throwing
     * {@link java.io.InterruptedIOException}. Closing it writes the format's end and closes
     * {@code out}; after a failed write it only releases resources and closes {@code out}, leaving a
     * truncated, invalid stream behind.
     *
     * @param level   between {@link #minLevel()} and {@link #maxLevel()}
     * @param threads compression threads, at least 1 (ignored by {@link #NONE})
     * @throws IllegalArgumentException if the level or thread count is out of range
     */
    public OutputStream compress(OutputStream out, int level, int threads) throws IOException {
        Objects.requireNonNull(out, "out");
        checkLevel(level);
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        return open(out, level, threads);
    }

    /** Wraps {@code in} with this format's decompressor; closing it closes {@code in}. */
    public abstract InputStream decompress(InputStream in) throws IOException;

    void checkLevel(int level) {
        if (level < minLevel || level > maxLevel) {
            throw new IllegalArgumentException(
                    id + " level must be between " + minLevel + " and " + maxLevel + ", got " + level);
        }
    }

    abstract OutputStream open(OutputStream out, int level, int threads) throws IOException;
}
