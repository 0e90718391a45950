package io.offsite.backup.restore;

import io.offsite.worker.artifact.VerifiedSidecar;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The result of verifying one backup by restoring it, kept next to it as {@code <key>.verified}: a small JSON
 * document the rotation worker reads so it never deletes the newest verified backup. The fields every reader needs
 * (outcome, time, reason) are read by {@link VerifiedSidecar}, in worker-core.
 *
 * <pre>{"key":"...","verifiedAt":"2025-01-15T02:00:03.120Z","outcome":"OK","reason":null,"sha256":"...",
 *  "sourceSha256":"...","kind":"SQLITE","tables":{"sets":150,"pokemon_cards":15000}}</pre>
 */
public record VerificationRecord(String key, Instant verifiedAt, Outcome outcome, String reason, String sha256, String sourceSha256,
                                 SnapshotKind kind, Map<String, Long> tables) {

    public enum Outcome { OK, FAILED }

    private static final JsonMapper JSON = JsonMapper.builder().build();

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

    public boolean isOk() {
        return outcome == Outcome.OK;
    }

    public byte[] toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put(VerifiedSidecar.FIELD_KEY, key);
        node.put(VerifiedSidecar.FIELD_VERIFIED_AT, verifiedAt.toString());
        node.put(VerifiedSidecar.FIELD_OUTCOME, outcome.name());
        node.put(VerifiedSidecar.FIELD_REASON, reason);
        node.put("sha256", sha256);
        node.put("sourceSha256", sourceSha256);
        node.put("kind", kind == null ? null : kind.name());
        ObjectNode counts = node.putObject("tables");
        tables.forEach(counts::put);
        return (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a sidecar; unknown fields are ignored so later versions can add some. */
    public static VerificationRecord fromJson(byte[] json) {
        JsonNode node = JSON.readTree(json);
        Map<String, Long> tables = new LinkedHashMap<>();
        JsonNode counts = node.path("tables");
        for (Map.Entry<String, JsonNode> e : counts.properties()) {
            tables.put(e.getKey(), e.getValue().asLong());
        }
        String kind = text(node, "kind");
        return new VerificationRecord(text(node, VerifiedSidecar.FIELD_KEY), Instant.parse(text(node, VerifiedSidecar.FIELD_VERIFIED_AT)),
                Outcome.valueOf(text(node, VerifiedSidecar.FIELD_OUTCOME)),
                text(node, VerifiedSidecar.FIELD_REASON), text(node, "sha256"), text(node, "sourceSha256"), kind == null ? null : SnapshotKind.valueOf(kind), tables);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
