package io.offsite.worker.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a {@code <key>.verified} sidecar says, as every reader needs it: the outcome ({@code OK} or {@code FAILED}),
 * when the verification ran and, for a failure, why. The verify job writes the full document (with checksums, the
 * snapshot kind and row counts); unknown fields are ignored so later versions can add some.
 *
 * <pre>{"key":"...","verifiedAt":"2025-01-15T02:00:03.120Z","outcome":"OK","reason":null,...}</pre>
 *
 * @param outcome    upper case, as written; {@code OK} is the only passing one
 * @param verifiedAt null when the document has none or it is not an instant
 * @param reason     null unless the verification failed
 */
public record VerifiedSidecar(String outcome, Instant verifiedAt, String reason) {

    public static final String FIELD_KEY = "key";
    public static final String FIELD_VERIFIED_AT = "verifiedAt";
    public static final String FIELD_OUTCOME = "outcome";
    public static final String FIELD_REASON = "reason";
    public static final String OK = "OK";
    public static final String FAILED = "FAILED";

    /** The largest sidecar read; the verify job writes a few hundred bytes. */
    public static final int MAX_BYTES = 1 << 20;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public boolean ok() {
        return OK.equals(outcome);
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
