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

    /**
     * A snapshot stored the way the worker stores one (gzip, with every checksum and size recorded and the
     * {@code .sha256} sidecar), as anyone able to write to the bucket could: its checksums all match.
     */
    public static void putSnapshot(ObjectStore store, String key, byte[] snapshot) {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(stored)) {
            gzip.write(snapshot);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = stored.toByteArray();
        String sha256 = sha256(bytes);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("sha256", sha256);
        metadata.put("source-sha256", sha256(snapshot));
        metadata.put("source-bytes", Long.toString(snapshot.length));
        metadata.put("compression", "gzip");
        store.putSmall(key, bytes, "application/gzip", metadata);
        store.putSmall(key + ".sha256", (sha256 + "  " + key.substring(key.lastIndexOf('/') + 1) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "text/plain", Map.of());
    }

    /** A plain SQL dump in pg_dump's shape (header settings and trailer) around {@code statements}. */
    public static byte[] plainDump(String statements) {
        return ("""
                --
                -- PostgreSQL database dump
                --

                SET statement_timeout = 0;
                SET client_encoding = 'UTF8';
                SET standard_conforming_strings = on;
                SELECT pg_catalog.set_config('search_path', '', false);

                CREATE TABLE public.planted (id integer);

                """ + statements + """

                --
                -- PostgreSQL database dump complete
                --

                """).getBytes(java.nio.charset.StandardCharsets.UTF_8);
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
