package io.offsite.worker.storage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a batched delete did: every key deleted, and every key that was not, with the store's error code and whether
 * the store <em>refused</em> it (see {@link Failure#refused()}).
 */
public record DeleteReport(List<String> deleted, Map<String, Failure> failures) {

    /** Per-key error codes a store answers when it could not delete the object this time, as opposed to refusing it. */
    static final Set<String> TRANSIENT_CODES = Set.of("InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout",
            "OperationAborted", "XMinioServerNotInitialized", "XMinioReadQuorum", "XMinioWriteQuorum");

    public DeleteReport {
        deleted = List.copyOf(deleted);
        failures = Map.copyOf(new LinkedHashMap<>(failures));
    }

    public static DeleteReport empty() {
        return new DeleteReport(List.of(), Map.of());
    }

    public boolean complete() {
        return failures.isEmpty();
    }

    /** Every key not deleted, with {@code code: message}. */
    public Map<String, String> failed() {
        Map<String, String> failed = new LinkedHashMap<>();
        failures.forEach((key, f) -> failed.put(key, f.describe()));
        return failed;
    }

    /** The keys the store refused to delete (object lock, retention, legal hold, a policy): retrying does not help. */
    public Map<String, Failure> refused() {
        Map<String, Failure> refused = new LinkedHashMap<>();
        failures.forEach((key, f) -> {
            if (f.refused()) {
                refused.put(key, f);
            }
        });
        return refused;
    }

    /**
     * Why one key was not deleted.
     *
     * @param code the store's error code ({@code AccessDenied}, {@code InternalError}, ...), {@code UNREACHABLE} when it
     *        could not be asked, {@code NOT_REPORTED} when it answered without naming the key
     * @param message the store's message
     * @param refused the store answered that it will not delete the object (a 4xx answer other than a throttle or
     *        timeout: object lock or retention, a legal hold, a bucket or user policy); false for failures that may pass
     */
    public record Failure(String code, String message, boolean refused) {

        public Failure {
            code = code == null || code.isBlank() ? "UNKNOWN" : code;
            message = message == null ? "" : message;
        }

        /** A per-key error inside a DeleteObjects reply: refused unless its code is one of a passing failure. */
        static Failure perKey(String code, String message) {
            return new Failure(code, message, code != null && !code.isBlank() && !TRANSIENT_CODES.contains(code));
        }

        public String describe() {
            return message.isEmpty() ? code : code + ": " + message;
        }
    }
}
