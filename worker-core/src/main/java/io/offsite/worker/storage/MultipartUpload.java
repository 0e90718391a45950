package io.offsite.worker.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * An {@link OutputStream} that uploads what is written as S3 multipart parts, one part uploading in the
 * background while the next fills (at most two part buffers in memory). Nothing is visible under the final
 * key until {@link #complete(Map)}; {@link #abort()} (or {@link #close()} without completing) removes every
 * trace. Not thread-safe: one writer.
 */
public final class MultipartUpload extends OutputStream {

    private final ObjectStore store;
    private final S3Client s3;
    private final String key;
    private final String staging;
    private final int partSize;
    private final ExecutorService uploader;
    private final List<CompletedPart> parts = new ArrayList<>();
    private String uploadId;
    private byte[] buffer;
    private int filled;
    private long total;
    private Future<CompletedPart> inFlight;
    private boolean finished;
    /** MD5 of every byte written, updated part by part on the upload thread (parts are sent in order). */
    private final MessageDigest md5 = newMd5();
    private String contentMd5;

    MultipartUpload(ObjectStore store, S3Client s3, String key, String staging, long partSize) {
        this.store = store;
        this.s3 = s3;
        this.key = key;
        this.staging = staging;
        this.partSize = (int) Math.min(Integer.MAX_VALUE - 16, partSize);
        this.buffer = new byte[this.partSize];
        this.uploader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "s3-upload-" + key);
            t.setDaemon(true);
            return t;
        });
        this.uploadId = store.call("start upload of " + key,
                () -> s3.createMultipartUpload(b -> b.bucket(store.bucket()).key(staging))).uploadId();
    }

    public String key() {
        return key;
    }

    /** Bytes written so far. */
    public long size() {
        return total;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        while (len > 0) {
            int n = Math.min(len, partSize - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
            total += n;
            if (filled == partSize) {
                sendPart();
            }
        }
    }

    /**
     * Uploads the last part, completes the upload and publishes the object under its key with {@code metadata}.
     * On failure everything is cleaned up and the exception is rethrown.
     */
    public StoredObject complete(Map<String, String> metadata) throws IOException {
        ensureOpen();
        try {
            if (filled > 0 || parts.isEmpty() && inFlight == null) {
                sendPart();
            }
            awaitInFlight();
            List<CompletedPart> done = List.copyOf(parts);
            store.call("complete upload of " + key, () -> s3.completeMultipartUpload(b -> b.bucket(store.bucket()).key(staging)
                    .uploadId(uploadId).multipartUpload(m -> m.parts(done))));
            uploadId = null;
            finished = true;
            contentMd5 = HexFormat.of().formatHex(md5.digest());
            uploader.shutdown();
            buffer = null;
            return store.publish(staging, key, total, metadata);
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    /**
     * MD5 of the bytes written, once {@link #complete} succeeded: compared with the store's ETag of the published
     * object, it checks what the store holds without reading it back.
     */
    public String contentMd5() {
        if (contentMd5 == null) {
            throw new IllegalStateException("upload of " + key + " is not complete");
        }
        return contentMd5;
    }

    /** Abandons the upload: aborts the multipart upload and removes the staging object. Idempotent. */
    public void abort() {
        if (finished && uploadId == null && buffer == null && uploader.isShutdown()) {
            return;
        }
        finished = true;
        buffer = null;
        if (inFlight != null) {
            inFlight.cancel(true);
        }
        uploader.shutdownNow();
        // a run stopped at its deadline aborts from an interrupted thread, and the SDK refuses every call from one:
        // clear the flag for the two cleanup calls and set it again, or the parts would stay in the store
        boolean interrupted = Thread.interrupted();
        try {
            if (uploadId != null) {
                store.abortQuietly(staging, uploadId);
                uploadId = null;
            }
            store.deleteQuietly(staging);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Closing without {@link #complete} aborts: an upload is never left half-done. */
    @Override
    public void close() {
        if (!finished) {
            abort();
        }
        uploader.shutdownNow();
    }

    private void sendPart() throws IOException {
        awaitInFlight();
        final byte[] data = buffer;
        final int length = filled;
        final int number = parts.size() + 1;
        final String id = uploadId;
        inFlight = uploader.submit(() -> {
            md5.update(data, 0, length);
            var response = store.call("upload part " + number + " of " + key, () -> s3.uploadPart(
                    b -> b.bucket(store.bucket()).key(staging).uploadId(id).partNumber(number).contentLength((long) length),
                    RequestBody.fromBytes(length == data.length ? data : java.util.Arrays.copyOf(data, length))));
            return CompletedPart.builder().partNumber(number).eTag(response.eTag()).build();
        });
        // the part in flight owns its buffer; fill a fresh one (at most two exist at a time)
        buffer = new byte[partSize];
        filled = 0;
    }

    private void awaitInFlight() throws IOException {
        if (inFlight == null) {
            return;
        }
        try {
            parts.add(inFlight.get());
            inFlight = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("upload of " + key + " interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException("cannot upload a part of " + key + ": " + e.getCause(), e.getCause());
        }
    }

    private static MessageDigest newMd5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM lacks MD5, which every Java platform must provide", e);
        }
    }

    private void ensureOpen() throws IOException {
        if (finished) {
            throw new IOException("upload of " + key + " is already finished");
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("upload of " + key + " interrupted");
        }
    }
}
