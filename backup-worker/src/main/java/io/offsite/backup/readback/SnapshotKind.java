package io.offsite.backup.readback;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** What a decompressed backup holds, recognised by its first bytes rather than by its name. */
public enum SnapshotKind {
    SQLITE("SQLite database"),
    POSTGRES_CUSTOM("pg_dump custom-format archive"),
    POSTGRES_PLAIN("pg_dump plain SQL script"),
    UNKNOWN("unrecognised file");

    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CUSTOM_HEADER = "PGDMP".getBytes(StandardCharsets.US_ASCII);
    private static final String PLAIN_HEADER = "--\n-- PostgreSQL database dump";

    private final String description;

    SnapshotKind(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    public boolean isPostgres() {
        return this == POSTGRES_CUSTOM || this == POSTGRES_PLAIN;
    }

    public static SnapshotKind of(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(64);
        }
        return of(head);
    }

    static SnapshotKind of(byte[] head) {
        if (startsWith(head, SQLITE_HEADER)) {
            return SQLITE;
        }
        if (startsWith(head, CUSTOM_HEADER)) {
            return POSTGRES_CUSTOM;
        }
        if (new String(head, StandardCharsets.UTF_8).startsWith(PLAIN_HEADER)) {
            return POSTGRES_PLAIN;
        }
        return UNKNOWN;
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        return data.length >= prefix.length && Arrays.equals(data, 0, prefix.length, prefix, 0, prefix.length);
    }
}
