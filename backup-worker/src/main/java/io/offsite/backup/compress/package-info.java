/**
 * The streams a backup passes through between the snapshot file and the upload: a compressor chosen
 * by {@link io.offsite.backup.compress.CompressionSettings}, and SHA-256 with byte counts on both
 * sides of it, all in one pass with bounded memory.
 *
 * <pre>{@code
 * HashingOutputStream artifact = new HashingOutputStream(upload);        // compressed bytes
 * HashingOutputStream source;
 * try (OutputStream compressor = settings.compress(artifact)) {           // closes artifact, upload
 *     source = new HashingOutputStream(compressor);                       // snapshot bytes
 *     Files.copy(snapshot, source);
 * }
 * ContentDigest sourceDigest = source.digest();
 * ContentDigest artifactDigest = artifact.digest();
 * }</pre>
 *
 * <p>Closing the compressor after a failed or interrupted write closes the upload stream too, without
 * finishing the format: the upload must be completed only by an explicit call after a successful
 * close, never by {@code close()} alone.
 */
package io.offsite.backup.compress;
