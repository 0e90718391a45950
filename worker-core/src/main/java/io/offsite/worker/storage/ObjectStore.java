package io.offsite.worker.storage;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The bucket that holds Offsite's artifacts, over the AWS SDK v2 (path-style, endpoint override). A thin
 * adapter: every SDK failure becomes a {@link StorageException} that says what was being done.
 */
public class ObjectStore implements AutoCloseable {

    /** Objects larger than this are copied part by part (S3's single-copy limit). */
    static final long MAX_SINGLE_COPY = 5L * 1024 * 1024 * 1024;
    /** Where uploads are staged until they are published: outside every series, swept by {@link StaleUploads}. */
    public static final String STAGING_PREFIX = io.offsite.worker.artifact.BackupKeys.STAGING_PREFIX;

    private final S3Client s3;
    private final StorageProperties properties;

    public ObjectStore(StorageProperties properties) {
        this.properties = properties;
        this.s3 = S3Client.builder()
                .endpointOverride(properties.endpoint())
                .region(Region.of(properties.region()))
                .forcePathStyle(properties.pathStyle())
                .requestChecksumCalculation(properties.checksumCalculation())
                .responseChecksumValidation(properties.checksumValidation())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(properties.accessKey(), properties.secretKey())))
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(properties.connectTimeout())
                        .socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.apiCallTimeout(properties.apiCallTimeout()))
                .build();
    }

    public String bucket() {
        return properties.bucket();
    }

    public String describe() {
        return properties.endpoint() + "/" + properties.bucket();
    }

    /** Checks that the bucket answers; used by health checks and at the start of jobs. */
    public void checkReachable() {
        call("reach bucket " + describe(), () -> s3.headBucket(b -> b.bucket(bucket())));
    }

    public Optional<StoredObject> head(String key) {
        try {
            HeadObjectResponse head = call("read metadata of " + key, () -> s3.headObject(b -> b.bucket(bucket()).key(key)));
            return Optional.of(new StoredObject(key, head.contentLength(), head.lastModified(), head.eTag(), head.metadata()));
        } catch (StorageException e) {
            if (e.getCause() instanceof NoSuchKeyException
                    || (e.getCause() instanceof S3Exception s3e && s3e.statusCode() == 404)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Every object under {@code prefix}, following pagination to the end. Throws rather than return a listing
     * that was cut short.
     */
    public List<StoredObject> list(String prefix) {
        List<StoredObject> objects = new ArrayList<>();
        list(prefix, objects::add);
        return objects;
    }

    /**
     * Hands every object under {@code prefix} to {@code each} as its page arrives, following pagination to the end,
     * so a listing of any size is read in the memory of one page. Throws when the listing stops early: what
     * {@code each} saw is then only part of it.
     */
    public void list(String prefix, java.util.function.Consumer<StoredObject> each) {
        call("list " + describe() + "/" + prefix, () -> {
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket()).prefix(prefix)).contents()) {
                each.accept(new StoredObject(o.key(), o.size(), o.lastModified(), o.eTag(), Map.of()));
            }
            return null;
        });
    }

    /** Opens an object for streaming reads. */
    public InputStream open(String key) {
        return call("download " + key, () -> s3.getObject(b -> b.bucket(bucket()).key(key)));
    }

    /** Stores a small object (a sidecar, a manifest) in one request. */
    public void putSmall(String key, byte[] content, String contentType, Map<String, String> metadata) {
        call("upload " + key, () -> s3.putObject(b -> b.bucket(bucket()).key(key).contentType(contentType).metadata(metadata),
                RequestBody.fromBytes(content)));
    }

    /** Replaces the user metadata of an object (a server-side copy onto itself). */
    public void replaceMetadata(String key, Map<String, String> metadata) {
        call("update metadata of " + key, () -> s3.copyObject(b -> b.sourceBucket(bucket()).sourceKey(key)
                .destinationBucket(bucket()).destinationKey(key)
                .metadataDirective(MetadataDirective.REPLACE).metadata(metadata)));
    }

    /**
     * Deletes keys in batches of at most 1000, collecting every failure instead of stopping at the first. The store's
     * per-key errors are kept with their code; a key the store <em>refuses</em> to delete (object lock, retention, a
     * policy) is reported as such and never stops the others. A batch the store fails as a whole (some stores answer
     * one undeletable key with an error for the whole request) is tried again key by key, so only the keys that really
     * fail are reported. A store that cannot be reached fails the batch's keys as {@code UNREACHABLE}.
     */
    public DeleteReport delete(Collection<String> keys) {
        List<String> deleted = new ArrayList<>();
        Map<String, DeleteReport.Failure> failed = new LinkedHashMap<>();
        List<String> all = List.copyOf(keys);
        for (int from = 0; from < all.size(); from += 1000) {
            List<String> batch = all.subList(from, Math.min(all.size(), from + 1000));
            List<ObjectIdentifier> ids = batch.stream().map(k -> ObjectIdentifier.builder().key(k).build()).toList();
            try {
                var response = s3.deleteObjects(b -> b.bucket(bucket()).delete(Delete.builder().objects(ids).quiet(false).build()));
                Set<String> done = new HashSet<>();
                response.deleted().forEach(d -> {
                    deleted.add(d.key());
                    done.add(d.key());
                });
                response.errors().forEach(e -> failed.put(e.key(), DeleteReport.Failure.perKey(e.code(), e.message())));
                for (String key : batch) {
                    if (!done.contains(key) && !failed.containsKey(key)) {
                        failed.put(key, new DeleteReport.Failure("NOT_REPORTED", "not reported as deleted by the store", false));
                    }
                }
            } catch (S3Exception e) {
                // the whole request failed: ask for each key alone, so one undeletable object does not hold back the rest
                for (String key : batch) {
                    deleteOne(key).ifPresentOrElse(f -> failed.put(key, f), () -> deleted.add(key));
                }
            } catch (SdkClientException | UncheckedIOException e) {
                DeleteReport.Failure unreachable = new DeleteReport.Failure("UNREACHABLE", "object store " + properties.endpoint()
                        + " unreachable (" + rootMessage(e) + ")", false);
                batch.forEach(k -> failed.put(k, unreachable));
            }
        }
        return new DeleteReport(deleted, failed);
    }

    /** Deletes one key; empty when deleted (or gone already), else why not. */
    private Optional<DeleteReport.Failure> deleteOne(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket()).key(key));
            return Optional.empty();
        } catch (S3Exception e) {
            int status = e.statusCode();
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "HTTP " + status : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null ? "" : e.awsErrorDetails().errorMessage();
            boolean refused = status >= 400 && status < 500 && status != 408 && status != 429 && !DeleteReport.TRANSIENT_CODES.contains(code);
            return Optional.of(new DeleteReport.Failure(code, message, refused));
        } catch (SdkClientException | UncheckedIOException e) {
            return Optional.of(new DeleteReport.Failure("UNREACHABLE", "object store " + properties.endpoint()
                    + " unreachable (" + rootMessage(e) + ")", false));
        }
    }

    /**
     * Starts an upload that becomes visible under {@code key} only when {@link MultipartUpload#complete} succeeds:
     * parts go to a staging key first and are copied into place with their metadata at the end.
     */
    public MultipartUpload startUpload(String key, String runId) {
        String staging = STAGING_PREFIX + key + "." + shortHash(runId);
        // an earlier attempt of the same run may have left an upload open when the store went away mid-upload
        abortOpenUploads(staging);
        deleteQuietly(staging);
        return new MultipartUpload(this, s3, key, staging, properties.partSizeBytes());
    }

    /** Copies staging to its final key with metadata, then removes staging. */
    StoredObject publish(String staging, String key, long size, Map<String, String> metadata) {
        try {
            if (size <= MAX_SINGLE_COPY) {
                call("copy " + staging + " to " + key, () -> s3.copyObject(b -> b.sourceBucket(bucket()).sourceKey(staging)
                        .destinationBucket(bucket()).destinationKey(key)
                        .metadataDirective(MetadataDirective.REPLACE).metadata(metadata)));
            } else {
                copyInParts(staging, key, size, metadata);
            }
        } finally {
            deleteQuietly(staging);
        }
        return head(key).orElseThrow(() -> new StorageException(StorageException.ERROR,
                "object " + key + " is missing right after it was stored", true, null));
    }

    private void copyInParts(String source, String key, long size, Map<String, String> metadata) {
        String uploadId = call("start copy of " + key, () -> s3.createMultipartUpload(b -> b.bucket(bucket()).key(key).metadata(metadata))).uploadId();
        try {
            List<software.amazon.awssdk.services.s3.model.CompletedPart> parts = new ArrayList<>();
            long partSize = 1024L * 1024 * 1024;
            int number = 1;
            for (long offset = 0; offset < size; offset += partSize, number++) {
                long last = Math.min(size, offset + partSize) - 1;
                final int n = number;
                final String range = "bytes=" + offset + "-" + last;
                var copied = call("copy part " + n + " of " + key, () -> s3.uploadPartCopy(b -> b.sourceBucket(bucket()).sourceKey(source)
                        .destinationBucket(bucket()).destinationKey(key).uploadId(uploadId).partNumber(n).copySourceRange(range)));
                parts.add(software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(n).eTag(copied.copyPartResult().eTag()).build());
            }
            call("complete copy of " + key, () -> s3.completeMultipartUpload(b -> b.bucket(bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts))));
        } catch (RuntimeException e) {
            abortQuietly(key, uploadId);
            throw e;
        }
    }

    void abortQuietly(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket()).key(key).uploadId(uploadId));
        } catch (SdkException ignored) {
            // the store is unreachable: the incomplete upload holds no visible object; the next attempt of the run, or
            // the stale upload sweep once no run can still be using it, aborts it
        }
    }

    void deleteQuietly(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket()).key(key));
        } catch (SdkException ignored) {
            // best effort: staging objects live under _incoming/, outside every series; the stale upload sweep removes leftovers
        }
    }

    /** Keys of multipart uploads still open under a prefix (left by a crash, or by a store that went away mid-upload). */
    public List<String> openUploads(String prefix) {
        return listOpenUploads(prefix).stream().map(OpenUpload::key).toList();
    }

    /** Aborts every multipart upload open under {@code prefix}; returns how many the store still held. */
    public int abortOpenUploads(String prefix) {
        int aborted = 0;
        for (OpenUpload upload : listOpenUploads(prefix)) {
            if (abort(upload)) {
                aborted++;
            }
        }
        return aborted;
    }

    /**
     * Every multipart upload open under {@code prefix}, with the time the store says it was started, following
     * pagination (key and upload-id markers) to the end. Throws rather than return a listing that was cut short.
     */
    public List<OpenUpload> listOpenUploads(String prefix) {
        return listOpenUploads(prefix, 1000);
    }

    List<OpenUpload> listOpenUploads(String prefix, int pageSize) {
        List<OpenUpload> uploads = new ArrayList<>();
        call("list open uploads under " + describe() + "/" + prefix, () -> {
            String keyMarker = null;
            String uploadIdMarker = null;
            while (true) {
                final String km = keyMarker;
                final String um = uploadIdMarker;
                ListMultipartUploadsResponse page = s3.listMultipartUploads(b -> b.bucket(bucket()).prefix(prefix)
                        .maxUploads(pageSize).keyMarker(km).uploadIdMarker(um));
                page.uploads().forEach(u -> uploads.add(new OpenUpload(u.key(), u.uploadId(), u.initiated())));
                if (!Boolean.TRUE.equals(page.isTruncated())) {
                    return null;
                }
                // a store that says "more" without moving its markers would have us list forever
                if (page.nextKeyMarker() == null
                        || (page.nextKeyMarker().equals(km) && java.util.Objects.equals(page.nextUploadIdMarker(), um))) {
                    throw new StorageException(StorageException.ERROR, "cannot list open uploads under " + describe() + "/" + prefix
                            + ": the store reported more uploads without a marker past " + km + " / " + um, false, null);
                }
                keyMarker = page.nextKeyMarker();
                uploadIdMarker = page.nextUploadIdMarker();
            }
        });
        return uploads;
    }

    /**
     * Bytes in the parts uploaded so far to an open upload (every page of parts), or empty when the store cannot
     * say (the upload was completed or aborted meanwhile, or the store does not list parts).
     */
    public Optional<Long> uploadedBytes(OpenUpload upload) {
        try {
            long bytes = 0;
            for (Part part : s3.listPartsPaginator(b -> b.bucket(bucket()).key(upload.key()).uploadId(upload.uploadId())).parts()) {
                bytes += part.size() == null ? 0 : part.size();
            }
            return Optional.of(bytes);
        } catch (SdkException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /**
     * Aborts one open upload. Returns false when the store no longer knows it (completed or aborted meanwhile, by
     * its run or by another instance's sweep).
     */
    public boolean abort(OpenUpload upload) {
        try {
            call("abort upload of " + upload.key(), () -> s3.abortMultipartUpload(b -> b.bucket(bucket()).key(upload.key())
                    .uploadId(upload.uploadId())));
            return true;
        } catch (StorageException e) {
            if (e.getCause() instanceof NoSuchUploadException
                    || (e.getCause() instanceof S3Exception s3e && s3e.statusCode() == 404)) {
                return false;
            }
            throw e;
        }
    }

    /** Deletes one object (deleting an object that is gone already succeeds). */
    public void delete(String key) {
        call("delete " + key, () -> s3.deleteObject(b -> b.bucket(bucket()).key(key)));
    }

    <T> T call(String action, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkClientException e) {
            throw new StorageException(StorageException.UNAVAILABLE,
                    "cannot " + action + ": object store " + properties.endpoint() + " unreachable (" + rootMessage(e) + ")", true, e);
        } catch (S3Exception e) {
            int status = e.statusCode();
            boolean retryable = status >= 500 || status == 429 || status == 408;
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            throw new StorageException(retryable ? StorageException.UNAVAILABLE : StorageException.ERROR,
                    "cannot " + action + " in " + describe() + ": HTTP " + status + " " + code, retryable, e);
        } catch (UncheckedIOException e) {
            throw new StorageException(StorageException.UNAVAILABLE, "cannot " + action + ": " + e.getMessage(), true, e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t instanceof ConnectException) {
                break;
            }
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    static String shortHash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }
}
