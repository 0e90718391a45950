package io.offsite.backup.job;

import io.offsite.backup.config.BackupProperties;
import io.offsite.backup.config.BackupProperties.Source;
import io.offsite.backup.naming.BackupNaming;
import io.offsite.backup.pipeline.BackupStream;
import io.offsite.backup.pipeline.StreamResult;
import io.offsite.backup.source.Snapshot;
import io.offsite.backup.source.SnapshotSource;
import io.offsite.events.Topics.JobType;
import io.offsite.events.v1.Artifact;
import io.offsite.worker.format.Sizes;
import io.offsite.worker.integrity.Sha256;
import io.offsite.worker.job.JobContext;
import io.offsite.worker.job.JobFailedException;
import io.offsite.worker.job.JobHandler;
import io.offsite.worker.job.JobOutcome;
import io.offsite.worker.job.JobRejectedException;
import io.offsite.worker.storage.MultipartUpload;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** Runs BACKUP requests: snapshot the named source, stream it compressed and hashed to the bucket, verify, report. */
@Component
class BackupJobHandler implements JobHandler {

    static final String META_SHA256 = "sha256";
    static final String META_SOURCE_SHA256 = "source-sha256";
    static final String META_SOURCE_BYTES = "source-bytes";
    static final String META_COMPRESSION = "compression";
    static final String META_RUN_ID = "run-id";
    static final String META_SOURCE = "source";
    static final String META_CREATED_AT = "created-at";

    private final BackupProperties properties;
    private final Sources sources;
    private final ObjectStore store;
    private final BackupMetrics metrics;

    BackupJobHandler(BackupProperties properties, Sources sources, ObjectStore store, BackupMetrics metrics) {
        this.properties = properties;
        this.sources = sources;
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public JobType jobType() {
        return JobType.BACKUP;
    }

    @Override
    public JobOutcome run(JobContext ctx) throws Exception {
        String sourceName = ctx.requireParameter("source");
        Source source = sources.config(sourceName);
        Codec codec = Codec.of(source);
        String key = BackupNaming.key(source.series(), source.filePrefix(), ctx.scheduledFor(), source.fileSuffix(), codec.extension());
        ctx.info("Starting database backup");

        Optional<StoredObject> existing = store.head(key);
        if (existing.isPresent()) {
            return alreadyStored(ctx, existing.get(), sourceName);
        }

        SnapshotSource snapshots = sources.open(sourceName);
        long sourceSize = snapshots.sizeBytes();
        ctx.info("Source: {} ({})", snapshots.location(), Sizes.human(sourceSize));
        Instant started = ctx.clock().instant();
        BackupStream stream = new BackupStream(ctx.clock(), properties.progressInterval());
        try (Snapshot snapshot = snapshots.take(); MultipartUpload upload = store.startUpload(key, ctx.runId())) {
            ctx.checkCancelled();
            ctx.info("Compressing with {}...", codec.label());
            ctx.info("Calculating SHA256 checksum...");
            StreamResult result;
            try (InputStream in = snapshot.stream()) {
                result = stream.copy(in, snapshot.sizeBytes(), codec::wrap, upload, (done, expected, rate) ->
                        ctx.info("Progress: {} of {} ({}%), {}/s", Sizes.human(done), Sizes.human(expected),
                                expected > 0 ? done * 100 / expected : "?", Sizes.human((long) rate)));
            }
            ctx.checkCancelled();
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put(META_SHA256, result.storedSha256());
            metadata.put(META_SOURCE_SHA256, result.sourceSha256());
            metadata.put(META_SOURCE_BYTES, Long.toString(result.sourceBytes()));
            metadata.put(META_COMPRESSION, codec.label());
            metadata.put(META_RUN_ID, ctx.runId());
            metadata.put(META_SOURCE, sourceName);
            metadata.put(META_CREATED_AT, ctx.scheduledFor().toString());
            StoredObject stored = upload.complete(metadata);
            ctx.info("Saved: {}", key);
            long reduction = result.sourceBytes() == 0 ? 0 : Math.round(100.0 - 100.0 * result.storedBytes() / result.sourceBytes());
            ctx.info("Compressed size: {} ({}% reduction)", Sizes.human(result.storedBytes()), reduction);
            ctx.info("Checksum: {}", result.storedSha256());
            verify(ctx, stored, result, sourceName);
            if (properties.sidecar()) {
                String fileName = key.substring(key.lastIndexOf('/') + 1);
                store.putSmall(key + ".sha256", (result.storedSha256() + "  " + fileName + "\n").getBytes(StandardCharsets.UTF_8),
                        "text/plain", Map.of(META_RUN_ID, ctx.runId()));
            }
            Duration took = Duration.between(started, ctx.clock().instant());
            metrics.created(ctx.jobName(), sourceName, result.storedBytes(), result.sourceBytes(), took);
            ctx.info("Backup completed successfully");
            return JobOutcome.succeeded(String.format("stored %s (%s, sha256 %s) in %.1f s", key, Sizes.human(result.storedBytes()),
                            result.storedSha256(), took.toMillis() / 1000.0))
                    .withArtifact(new Artifact(store.bucket(), key, result.storedBytes(), result.storedSha256(),
                            result.sourceBytes(), codec.label(), result.sourceSha256()))
                    .withStat("source_bytes", result.sourceBytes())
                    .withStat("stored_bytes", result.storedBytes());
        }
    }

    /** A redelivered request whose object exists already: report it, upload nothing. */
    private JobOutcome alreadyStored(JobContext ctx, StoredObject existing, String sourceName) {
        String runId = existing.meta(META_RUN_ID).orElse("");
        if (!runId.equals(ctx.runId())) {
            throw new JobRejectedException("KEY_EXISTS", "backup " + existing.key() + " already exists from run '" + runId
                    + "'; refusing to overwrite it with run " + ctx.runId());
        }
        ctx.info("Backup {} already stored by this run; nothing to do", existing.key());
        long sourceBytes = existing.meta(META_SOURCE_BYTES).map(Long::parseLong).orElse(-1L);
        String sha = existing.meta(META_SHA256).orElse("");
        return JobOutcome.succeeded("already stored " + existing.key() + " (redelivered request)")
                .withArtifact(new Artifact(store.bucket(), existing.key(), existing.size(), sha, sourceBytes,
                        existing.meta(META_COMPRESSION).orElse(""), existing.meta(META_SOURCE_SHA256).orElse(null)))
                .withStat("source_bytes", sourceBytes)
                .withStat("stored_bytes", existing.size())
                .withStat("already_stored", 1);
    }

    private void verify(JobContext ctx, StoredObject stored, StreamResult result, String sourceName) throws IOException {
        if (properties.verify() == BackupProperties.Verify.NONE) {
            return;
        }
        String problem = null;
        if (stored.size() != result.storedBytes()) {
            problem = "stored size " + stored.size() + " differs from the " + result.storedBytes() + " bytes written";
        } else if (properties.verify() == BackupProperties.Verify.FULL) {
            Sha256.Hashed reread;
            try (InputStream in = store.open(stored.key())) {
                reread = Sha256.of(in);
            }
            if (reread.bytes() != result.storedBytes() || !reread.sha256().equals(result.storedSha256())) {
                problem = "re-read " + reread.bytes() + " bytes with sha256 " + reread.sha256() + ", expected "
                        + result.storedBytes() + " bytes with sha256 " + result.storedSha256();
            }
        }
        if (problem != null) {
            metrics.verificationFailed(ctx.jobName(), sourceName);
            store.delete(java.util.List.of(stored.key()));
            throw new JobFailedException("VERIFICATION_FAILED", "backup " + stored.key() + " failed verification and was removed: " + problem, true);
        }
        metrics.verified(ctx.jobName(), sourceName);
        ctx.info("Verified: {} ({} check)", stored.key(), properties.verify().name().toLowerCase());
    }
}
