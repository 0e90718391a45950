package io.offsite.backup.job;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a run id stores, written to {@code _runs/<sha256 of the run id>} before its first upload: a run id produces at
 * most one backup (one object per unit of its source). A later request with the same run id proceeds only when it
 * would store exactly these keys (a redelivery or a retry); otherwise it is a conflicting duplicate.
 *
 * <pre>{"runId":"backup-database@2025-01-15T00:00:00Z","jobName":"backup-database","source":"pokemon-data",
 *  "scheduledFor":"2025-01-15T00:00:00Z","keys":["backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz"],
 *  "claimedAt":"2025-01-15T00:00:01.204Z"}</pre>
 */
record RunClaim(String runId, String jobName, String source, Instant scheduledFor, List<String> keys, Instant claimedAt) {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** A claim is a few hundred bytes; anything much larger is not one. */
    static final int MAX_BYTES = 1 << 16;

    RunClaim {
        Objects.requireNonNull(runId, "runId");
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a run claim names at least one key");
        }
    }

    /** Whether a request that would store {@code others} is the run this claim was written for. */
    boolean sameKeys(List<String> others) {
        return keys.stream().sorted().toList().equals(others.stream().sorted().toList());
    }

    byte[] toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("runId", runId);
        node.put("jobName", jobName);
        node.put("source", source);
        node.put("scheduledFor", scheduledFor == null ? null : scheduledFor.toString());
        ArrayNode array = node.putArray("keys");
        keys.forEach(array::add);
        node.put("claimedAt", claimedAt == null ? null : claimedAt.toString());
        return (JSON.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a claim.
     *
     * @throws IllegalArgumentException when the bytes are not a claim (not JSON, no run id, no keys)
     */
    static RunClaim fromJson(byte[] json) {
        try {
            JsonNode node = JSON.readTree(json);
            List<String> keys = new ArrayList<>();
            for (JsonNode key : node.path("keys")) {
                keys.add(key.asString());
            }
            String runId = text(node, "runId");
            if (runId == null) {
                throw new IllegalArgumentException("no runId");
            }
            String scheduledFor = text(node, "scheduledFor");
            String claimedAt = text(node, "claimedAt");
            return new RunClaim(runId, text(node, "jobName"), text(node, "source"), scheduledFor == null ? null : Instant.parse(scheduledFor),
                    keys, claimedAt == null ? null : Instant.parse(claimedAt));
        } catch (JacksonException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
