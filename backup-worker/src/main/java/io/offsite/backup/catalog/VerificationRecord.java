package io.offsite.backup.catalog;

import io.offsite.backup.readback.SnapshotKind;
import io.offsite.worker.artifact.VerifiedSidecar;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The result of verifying one backup by restoring it, kept next to it as {@code <key>.verified}: a small JSON
 * document the rotation worker reads so it never deletes the newest verified backup. Its JSON form is
 * {@link VerifiedSidecar.Document}, in worker-core; the fields every reader needs (outcome, time, reason) are read by
 * {@link VerifiedSidecar}.
 *
 * <pre>{"key":"...","verifiedAt":"2025-01-15T02:00:03.120Z","outcome":"OK","reason":null,"sha256":"...",
 *  "sourceSha256":"...","kind":"SQLITE","tables":{"sets":150,"pokemon_cards":15000}}</pre>
 */
public record VerificationRecord(String key, Instant verifiedAt, Outcome outcome, String reason, String sha256, String sourceSha256,
                                 SnapshotKind kind, Map<String, Long> tables) {

    /**
     * {@code OK} and {@code FAILED}, or {@code ENCRYPTED_NOT_RESTORED}: an encrypted backup checked without an identity
     * (stored SHA-256 and age header sound; not restored), as {@link VerifiedSidecar#ENCRYPTED_NOT_RESTORED}.
     */
    public enum Outcome { OK, FAILED, ENCRYPTED_NOT_RESTORED }

    public VerificationRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(verifiedAt, "verifiedAt");
        Objects.requireNonNull(outcome, "outcome");
        if (outcome == Outcome.FAILED && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a failed verification needs a reason");
        }
        tables = tables == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    }

    public static VerificationRecord ok(String key, Instant at, String sha256, String sourceSha256, SnapshotKind kind, Map<String, Long> tables) {
        return new VerificationRecord(key, at, Outcome.OK, null, sha256, sourceSha256, kind, tables);
    }

    public static VerificationRecord failed(String key, Instant at, String reason, String sha256) {
        return new VerificationRecord(key, at, Outcome.FAILED, reason, sha256, null, null, Map.of());
    }

    /** An encrypted backup checked without being restored: its stored checksum and its age header are sound. */
    public static VerificationRecord encryptedNotRestored(String key, Instant at, String sha256) {
        return new VerificationRecord(key, at, Outcome.ENCRYPTED_NOT_RESTORED, VerifiedSidecar.NOT_RESTORED_TEXT, sha256, null, null, Map.of());
    }

    public boolean isOk() {
        return outcome == Outcome.OK;
    }

    /** The sidecar document this record is stored as. */
    public VerifiedSidecar.Document document() {
        return new VerifiedSidecar.Document(key, verifiedAt, outcome.name(), reason, sha256, sourceSha256, kind == null ? null : kind.name(), tables);
    }

    /** The record a stored sidecar document holds. */
    public static VerificationRecord of(VerifiedSidecar.Document document) {
        return new VerificationRecord(document.key(), document.verifiedAt(), Outcome.valueOf(document.outcome()), document.reason(),
                document.sha256(), document.sourceSha256(), document.kind() == null ? null : SnapshotKind.valueOf(document.kind()),
                document.tables());
    }

    public byte[] toJson() {
        return document().toJson();
    }

    /** Reads a sidecar; unknown fields are ignored so later versions can add some. */
    public static VerificationRecord fromJson(byte[] json) {
        return of(VerifiedSidecar.Document.fromJson(json));
    }
}
