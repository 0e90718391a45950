package io.offsite.backup.job;

import io.offsite.backup.config.BackupProperties;
import io.offsite.backup.compress.Compression;
import io.offsite.backup.compress.CompressionSettings;
import io.offsite.backup.config.BackupProperties.Source;
import io.offsite.backup.pipeline.BackupStream;
import io.offsite.backup.pipeline.StreamResult;
import io.offsite.backup.source.Snapshot;
import io.offsite.backup.source.SnapshotSource;
import io.offsite.events.Topics.JobType;
import io.offsite.events.v1.Artifact;
import io.offsite.worker.artifact.BackupKeys;
import io.offsite.worker.artifact.BackupMetadata;
import io.offsite.worker.artifact.ChecksumSidecar;
import io.offsite.worker.format.Sizes;
import io.offsite.worker.integrity.Sha256;
import io.offsite.worker.job.JobContext;
import io.offsite.worker.job.JobFailedException;
import io.offsite.worker.job.JobHandler;
import io.offsite.worker.job.JobOutcome;
import io.offsite.worker.job.JobRejectedException;
import io.offsite.worker.storage.DeleteReport;
import io.offsite.worker.storage.MultipartUpload;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import io.offsite.backup.crypt.AgeRecipients;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.List;
import java.util.ArrayList;
import org.springframework.stereotype.Component;

/**
 * Runs BACKUP requests: snapshot the named source, stream it compressed and hashed to the bucket, verify, report. A run
 * id produces at most one backup ({@link RunClaims}); an object another run stored is never overwritten.
 */
@Component
class BackupJobHandler implements JobHandler {

    private final BackupProperties properties;
    private final Sources sources;
    private final ObjectStore store;
    private final BackupMetrics metrics;
    private final RunClaims claims;

    BackupJobHandler(BackupProperties properties, Sources sources, ObjectStore store, BackupMetrics metrics) {
        this.properties = properties;
        this.sources = sources;
        this.store = store;
        this.metrics = metrics;
        this.claims = new RunClaims(store);
    }

    @Override
    public JobType jobType() {
        return JobType.BACKUP;
    }

    @Override
    public JobOutcome run(JobContext ctx) throws Exception {
        String sourceName = ctx.requireParameter("source");
        Source source = sources.config(sourceName);
        CompressionSettings codec = sources.compression(sourceName);
        Optional<AgeRecipients> encryption = sources.encryption(sourceName);
        SnapshotSource snapshots = sources.open(sourceName);
        ctx.info("Starting database backup");
        Instant started = ctx.clock().instant();
        List<Artifact> artifacts = new ArrayList<>();
        long sourceBytes = 0;
        long storedBytes = 0;
        int alreadyStored = 0;
        List<? extends SnapshotSource> units = snapshots.units();
        List<String> keys = new ArrayList<>();
        for (SnapshotSource unit : units) {
            String series = unit.unitName().isEmpty() ? source.series() : source.series() + "/" + unit.unitName();
            keys.add(BackupKeys.backupKey(series, source.filePrefix(), ctx.scheduledFor(), source.fileSuffix(), codec.extension(),
                    encryption.isPresent()));
        }
        // the run id is an idempotency key: another scheduledFor (or source) under a known run id is refused here
        boolean claimed = claims.check(ctx, sourceName, keys);
        // an object another run stored is never overwritten: refuse before anything is claimed or uploaded
        List<Optional<StoredObject>> existing = new ArrayList<>();
        for (String key : keys) {
            Optional<StoredObject> head = store.head(key);
            head.ifPresent(o -> requireOwnRun(ctx, o));
            existing.add(head);
        }
        if (!claimed) {
            claims.write(ctx, sourceName, keys);
        }
        for (int i = 0; i < units.size(); i++) {
            ctx.checkCancelled();
            Artifact artifact;
            if (existing.get(i).isPresent()) {
                artifact = alreadyStored(ctx, existing.get(i).get());
                alreadyStored++;
            } else {
                artifact = backup(ctx, sourceName, units.get(i), keys.get(i), codec, encryption);
            }
            artifacts.add(artifact);
            sourceBytes += artifact.getSourceBytes();
            storedBytes += artifact.getSizeBytes();
        }
        Duration took = Duration.between(started, ctx.clock().instant());
        String stored = String.join(", ", keys);
        String message = alreadyStored == artifacts.size()
                ? "already stored " + stored + " (redelivered request)"
                : String.format("stored %s (%s, sha256 %s) in %.1f s", stored, Sizes.human(storedBytes),
                        artifacts.size() == 1 ? artifacts.get(0).getSha256() : artifacts.size() + " objects", took.toMillis() / 1000.0);
        JobOutcome outcome = JobOutcome.succeeded(message)
                .withStat("source_bytes", sourceBytes)
                .withStat("stored_bytes", storedBytes)
                .withStat("objects", artifacts.size());
        if (alreadyStored > 0) {
            outcome = outcome.withStat("already_stored", alreadyStored);
        }
        for (Artifact artifact : artifacts) {
            outcome = outcome.withArtifact(artifact);
        }
        return outcome;
    }

    /** Streams one snapshot into one object and verifies it. */
    private Artifact backup(JobContext ctx, String sourceName, SnapshotSource unit, String key, CompressionSettings codec,
                            Optional<AgeRecipients> encryption) throws Exception {
        long sourceSize = unit.sizeBytes();
        ctx.info("Source: {}{}", unit.location(), sourceSize >= 0 ? " (" + Sizes.human(sourceSize) + ")" : "");
        Instant started = ctx.clock().instant();
        BackupStream stream = new BackupStream(ctx.clock(), properties.progressInterval());
        try (SnapshotRelease release = new SnapshotRelease(unit.take(ctx.remaining())); MultipartUpload upload = store.startUpload(key, ctx.runId())) {
            Snapshot snapshot = release.snapshot();
            ctx.checkCancelled();
            if (codec.compression() == Compression.NONE) {
                ctx.info("Storing uncompressed...");
            } else {
                ctx.info("Compressing with {}...", codec.compression().id());
            }
            // snapshot → compress → encrypt → SHA-256 of the stored bytes → upload, in one pass
            BackupStream.Encryptor encryptor = BackupStream.Encryptor.NONE;
            if (encryption.isPresent()) {
                AgeRecipients recipients = encryption.get();
                ctx.info("Encrypting with age to {} recipient(s) {}...", recipients.recipients().size(), recipients.fingerprints());
                encryptor = recipients::encrypt;
            }
            ctx.info("Calculating SHA256 checksum...");
            StreamResult result;
            try (InputStream in = snapshot.stream()) {
                result = stream.copy(in, snapshot.sizeBytes(), codec::compress, encryptor, upload, (done, expected, rate) ->
                        ctx.info("Progress: {}{}, {}/s", Sizes.human(done),
                                expected > 0 ? " of " + Sizes.human(expected) + " (" + done * 100 / expected + "%)" : "",
                                Sizes.human((long) rate)));
            }
            snapshot.finish();
            // every byte is in the upload: remove the snapshot's temp files while the store publishes and verifies
            release.startInBackground();
            ctx.checkCancelled();
            Map<String, String> metadata = BackupMetadata.ofBackup(result.storedSha256(), result.sourceSha256(),
                    result.sourceBytes(), codec.compression().id(), ctx.runId(), sourceName, ctx.scheduledFor());
            if (encryption.isPresent()) {
                metadata = BackupMetadata.encrypted(metadata, encryption.get().recipients());
            }
            StoredObject stored = upload.complete(metadata);
            ctx.info("Saved: {}", key);
            long reduction = result.sourceBytes() == 0 ? 0 : Math.round(100.0 - 100.0 * result.storedBytes() / result.sourceBytes());
            ctx.info("Compressed size: {} ({}% reduction)", Sizes.human(result.storedBytes()), reduction);
            ctx.info("Checksum: {}", result.storedSha256());
            verify(ctx, stored, upload, result, sourceName);
            if (properties.sidecar()) {
                ChecksumSidecar.write(store, key, result.storedSha256(), ctx.runId());
            }
            Duration took = Duration.between(started, ctx.clock().instant());
            metrics.created(ctx.jobName(), sourceName, result.storedBytes(), result.sourceBytes(), took);
            ctx.info("Backup completed successfully");
            return new Artifact(store.bucket(), key, result.storedBytes(), result.storedSha256(),
                    result.sourceBytes(), codec.compression().id(), result.sourceSha256());
        }
    }

    /**
     * Owns a snapshot until it is released: released in the background once its bytes are uploaded (deleting a
     * gigabyte-sized temp file takes a noticeable part of a second), and at the latest when this closes, which
     * waits for the release so that no temp file outlives the job.
     */
    private static final class SnapshotRelease implements AutoCloseable {
        private final Snapshot snapshot;
        private CompletableFuture<Void> running;

        SnapshotRelease(Snapshot snapshot) {
            this.snapshot = snapshot;
        }

        Snapshot snapshot() {
            return snapshot;
        }

        void startInBackground() {
            running = CompletableFuture.runAsync(() -> {
                try {
                    snapshot.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, task -> {
                Thread thread = new Thread(task, "snapshot-release");
                thread.setDaemon(true);
                thread.start();
            });
        }

        @Override
        public void close() throws IOException {
            if (running == null) {
                snapshot.close();
                return;
            }
            try {
                running.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof UncheckedIOException io) {
                    throw io.getCause();
                }
                throw e;
            }
        }
    }

    /** Refuses to go on when another run stored {@code existing}: it is never overwritten, nor reported as this run's. */
    private static void requireOwnRun(JobContext ctx, StoredObject existing) {
        String runId = existing.meta(BackupMetadata.RUN_ID).orElse("");
        if (!runId.equals(ctx.runId())) {
            throw new JobRejectedException("KEY_EXISTS", "backup " + existing.key() + " already exists from run '" + runId
                    + "'; refusing to overwrite it with run " + ctx.runId());
        }
    }

    /** A redelivered request whose object exists already: report it, upload nothing. */
    private Artifact alreadyStored(JobContext ctx, StoredObject existing) {
        requireOwnRun(ctx, existing);
        ctx.info("Backup {} already stored by this run; nothing to do", existing.key());
        return new Artifact(store.bucket(), existing.key(), existing.size(), existing.meta(BackupMetadata.SHA256).orElse(""),
                existing.meta(BackupMetadata.SOURCE_BYTES).map(Long::parseLong).orElse(-1L),
                existing.meta(BackupMetadata.COMPRESSION).orElse(""), existing.meta(BackupMetadata.SOURCE_SHA256).orElse(null));
    }

    private void verify(JobContext ctx, StoredObject stored, MultipartUpload upload, StreamResult result, String sourceName)
            throws IOException {
        if (properties.verify() == BackupProperties.Verify.NONE) {
            return;
        }
        StoredCheck.Result check = StoredCheck.check(properties.verify(), stored,
                new StoredCheck.Sent(result.storedBytes(), upload.contentMd5(), result.storedSha256()), () -> {
                    try (InputStream in = store.open(stored.key())) {
                        return Sha256.of(in);
                    }
                });
        if (!check.passed()) {
            metrics.verificationFailed(ctx.jobName(), sourceName);
            DeleteReport removal = store.delete(List.of(stored.key()));
            if (!removal.complete()) {
                // a retry would find the object and report it stored: stop here and say who must remove it
                throw new JobFailedException("VERIFICATION_FAILED", "backup " + stored.key() + " failed verification ("
                        + check.how() + "): " + check.problem().get() + "; it could not be removed ("
                        + removal.failed().get(stored.key()) + "; the backup worker's storage user may not delete backups): "
                        + "remove it with an account that may, then run the job again", false);
            }
            throw new JobFailedException("VERIFICATION_FAILED", "backup " + stored.key() + " failed verification ("
                    + check.how() + ") and was removed: " + check.problem().get(), true);
        }
        metrics.verified(ctx.jobName(), sourceName);
        ctx.info("Verified: {} ({})", stored.key(), check.how());
    }
}
