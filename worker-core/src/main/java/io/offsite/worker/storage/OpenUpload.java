package io.offsite.worker.storage;

import java.time.Instant;

/**
 * A multipart upload the store holds open: its key, its id and when the store says it was started ({@code null}
 * when the store does not say).
 */
public record OpenUpload(String key, String uploadId, Instant initiated) {
}
