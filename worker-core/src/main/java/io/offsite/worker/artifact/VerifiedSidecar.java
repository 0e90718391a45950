package io.offsite.worker.artifact;

import io.offsite.worker.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a {@code <key>.verified} sidecar says, as every reader needs it: the outcome ({@code OK} or {@code FAILED}),
 * when the verification ran and, for a failure, why. The verify job writes the full document ({@link Document}, with
 * checksums, the snapshot kind and row counts); unknown fields are ignored so later versions can add some.
 *
 * <pre>{"key":"...","verifiedAt":"2025-01-15T02:00:03.120Z","outcome":"OK","reason":null,"sha256":"...",
 *  "sourceSha256":"...","kind":"SQLITE","tables":{"sets":150,"pokemon_cards":15000}}</pre>
 *
 * @param outcome    upper case, as written; {@code OK} is the only passing one, {@code ENCRYPTED_NOT_RESTORED} is
 *                   neither a pass nor a failure
 * @param verifiedAt null when the document has none or it is not an instant
 * @param reason     null unless the verification failed
 */
public record VerifiedSidecar(String outcome, Instant verifiedAt, String reason) {

    public static final String FIELD_KEY = "key";
    public static final String FIELD_VERIFIED_AT = "verifiedAt";
    public static final String FIELD_OUTCOME = "outcome";
    public static final String FIELD_REASON = "reason";
    public static final String FIELD_SHA256 = "sha256";
    public static final String FIELD_SOURCE_SHA256 = "sourceSha256";
    public static final String FIELD_KIND = "kind";
    public static final String FIELD_TABLES = "tables";
    public static final String CONTENT_TYPE = "application/json";
    public static final String OK = "OK";
    public static final String FAILED = "FAILED";
    /**
     * The outcome for an encrypted backup checked without an identity: its stored SHA-256 and its age header are sound,
     * but it was not decrypted nor restored. Not a failure, not a pass: shown as {@value #NOT_RESTORED_TEXT}.
     */
    public static final String ENCRYPTED_NOT_RESTORED = "ENCRYPTED_NOT_RESTORED";
    /** How {@link #ENCRYPTED_NOT_RESTORED} reads to a person. */
    public static final String NOT_RESTORED_TEXT = "encrypted, not restored";

    /** The largest sidecar read; the verify job writes a few hundred bytes. */
    public static final int MAX_BYTES = 1 << 20;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public boolean ok() {
        return OK.equals(outcome);
    }

    /** Whether the backup is encrypted and was checked without being restored (no identity was given). */
    public boolean notRestored() {
        return ENCRYPTED_NOT_RESTORED.equals(outcome);
    }

    public static String keyOf(String backupKey) {
        return backupKey + BackupKeys.VERIFIED_SUFFIX;
    }

    /** Reads the sidecar stored under {@code sidecarKey}; store failures are thrown as they come. */
    public static VerifiedSidecar load(ObjectStore store, String sidecarKey) throws IOException {
        try (InputStream in = store.open(sidecarKey)) {
            return read(in);
        }
    }

    /**
     * The whole document the verify job writes. Written and read strictly (the writer's own format); readers that only
     * need the outcome use the lenient {@link VerifiedSidecar#read}.
     *
     * @param outcome {@code OK}, {@code FAILED} or {@code ENCRYPTED_NOT_RESTORED}
     * @param kind    what the backup held (the backup worker's snapshot kind), null when not known
     */
    public record Document(String key, Instant verifiedAt, String outcome, String reason, String sha256, String sourceSha256,
                           String kind, Map<String, Long> tables) {

        public Document {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(verifiedAt, "verifiedAt");
            Objects.requireNonNull(outcome, "outcome");
            tables = tables == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tables));
        }

        public byte[] toJson() {
            ObjectNode node = JSON.createObjectNode();
            node.put(FIELD_KEY, key);
            node.put(FIELD_VERIFIED_AT, verifiedAt.toString());
            node.put(FIELD_OUTCOME, outcome);
            node.put(FIELD_REASON, reason);
            node.put(FIELD_SHA256, sha256);
            node.put(FIELD_SOURCE_SHA256, sourceSha256);
            node.put(FIELD_KIND, kind);
            ObjectNode counts = node.putObject(FIELD_TABLES);
            tables.forEach(counts::put);
            return (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        }

        /** Reads a document; unknown fields are ignored so later versions can add some. */
        public static Document fromJson(byte[] json) {
            JsonNode node = JSON.readTree(json);
            Map<String, Long> tables = new LinkedHashMap<>();
            JsonNode counts = node.path(FIELD_TABLES);
            for (Map.Entry<String, JsonNode> e : counts.properties()) {
                tables.put(e.getKey(), e.getValue().asLong());
            }
            return new Document(text(node, FIELD_KEY), Instant.parse(text(node, FIELD_VERIFIED_AT)), text(node, FIELD_OUTCOME),
                    text(node, FIELD_REASON), text(node, FIELD_SHA256), text(node, FIELD_SOURCE_SHA256), text(node, FIELD_KIND), tables);
        }

        /** Stores the document next to its backup, replacing an earlier one; the outcome also goes into the metadata. */
        public void write(ObjectStore store) {
            store.putSmall(keyOf(key), toJson(), CONTENT_TYPE, Map.of(BackupMetadata.OUTCOME, outcome));
        }

        /** The document stored next to {@code backupKey}, when a verification ran. */
        public static Optional<Document> fetch(ObjectStore store, String backupKey) throws IOException {
            String sidecar = keyOf(backupKey);
            if (store.head(sidecar).isEmpty()) {
                return Optional.empty();
            }
            try (InputStream in = store.open(sidecar)) {
                return Optional.of(fromJson(in.readNBytes(MAX_BYTES)));
            }
        }
    }

    /** Reads a sidecar; throws {@link IOException} naming what is wrong when it is not one. */
    public static VerifiedSidecar read(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw new IOException("verification sidecar larger than " + MAX_BYTES + " bytes");
        }
        return parse(bytes);
    }

    public static VerifiedSidecar parse(byte[] json) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IOException("verification sidecar is not JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IOException("verification sidecar is not a JSON object");
        }
        String outcome = text(node, FIELD_OUTCOME);
        if (outcome == null || outcome.isBlank()) {
            throw new IOException("verification sidecar has no '" + FIELD_OUTCOME + "'");
        }
        Instant at = null;
        String verifiedAt = text(node, FIELD_VERIFIED_AT);
        if (verifiedAt != null) {
            try {
                at = Instant.parse(verifiedAt);
            } catch (DateTimeException e) {
                at = null;
            }
        }
        return new VerifiedSidecar(outcome.strip().toUpperCase(Locale.ROOT), at, text(node, FIELD_REASON));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
