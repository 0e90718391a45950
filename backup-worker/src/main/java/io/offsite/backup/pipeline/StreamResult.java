package io.offsite.backup.pipeline;

/** Sizes and SHA-256 (lower-case hex) of the snapshot read and of the bytes stored, from one pass. */
public record StreamResult(long sourceBytes, String sourceSha256, long storedBytes, String storedSha256) {
}
