package io.offsite.backup.support;

import io.offsite.worker.integrity.Sha256;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Objects a test puts into the bucket by hand, as a careless or hostile producer could. */
public final class StoredObjects {

    private StoredObjects() {
    }

    /**
     * A gzip "bomb": {@code inflatedBytes} zero bytes compressed (about a thousandth of that size), stored under
     * {@code key} with a correct {@code sha256} of the stored bytes and the given further metadata (e.g. a forged
     * {@code source-bytes}).
     *
     * @return the stored size
     */
    public static long putGzipBomb(ObjectStore store, String key, long inflatedBytes, Map<String, String> metadata) {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(stored, 1 << 16)) {
            byte[] zeros = new byte[1 << 20];
            for (long left = inflatedBytes; left > 0; left -= zeros.length) {
                gzip.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = stored.toByteArray();
        Map<String, String> all = new LinkedHashMap<>(metadata);
        all.put("sha256", sha256(bytes));
        all.putIfAbsent("compression", "gzip");
        store.putSmall(key, bytes, "application/gzip", all);
        return bytes.length;
    }

    /** Copies an object with its metadata to another key (as a replayed or forged request would have stored it). */
    public static void copy(ObjectStore store, String from, String to) {
        StoredObject head = store.head(from).orElseThrow();
        try (InputStream in = store.open(from)) {
            store.putSmall(to, in.readAllBytes(), "application/octet-stream", head.metadata());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return Sha256.of(new ByteArrayInputStream(bytes)).sha256();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
