package io.offsite.backup.verify;

import io.offsite.backup.config.BackupProperties;
import io.offsite.backup.config.VerifyProperties;
import io.offsite.backup.catalog.BackupCatalog;
import io.offsite.backup.catalog.BackupChoice;
import io.offsite.backup.catalog.BackupChoice.Sample;
import io.offsite.backup.readback.PgConnection;
import io.offsite.backup.readback.PostgresTools;
import io.offsite.backup.readback.RestoreException;
import io.offsite.worker.artifact.StoredBackup;
import io.offsite.backup.readback.TempSpace;
import io.offsite.backup.catalog.VerificationRecord;
import io.offsite.backup.crypt.AgeIdentity;
import io.offsite.worker.artifact.VerifiedSidecar;
import io.offsite.backup.temp.InsufficientDiskSpaceException;
import io.offsite.backup.temp.TempSpaces;
import io.offsite.events.Topics.JobType;
import io.offsite.events.v1.Artifact;
import io.offsite.worker.artifact.BackupMetadata;
import io.offsite.worker.job.JobContext;
import io.offsite.worker.job.JobFailedException;
import io.offsite.worker.job.JobHandler;
import io.offsite.worker.job.JobOutcome;
import io.offsite.worker.job.JobRejectedException;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Runs VERIFY requests ({@code verify-backups}): parameters {@code series} (a configured source, its series, or one unit
 * folder of a multi-database source; anything else is {@code REJECTED} with {@code UNKNOWN_SERIES}), optionally
 * {@code key} (one backup in that series; a key with {@code ..}, a leading {@code /}, control characters or outside the
 * series is {@code REJECTED} with {@code INVALID_KEY}) or {@code sample} ({@code newest}, {@code newest+random} — the
 * default — or {@code all}; future-dated backups are left out). Each chosen backup is proven restorable and gets a
 * {@code <key>.verified} sidecar; any failure fails the run (not retryable) with the reasons.
 */
@Component
class VerifyJobHandler implements JobHandler {

    private final BackupProperties backup;
    private final VerifyProperties properties;
    private final BackupCatalog catalog;
    private final VerifyMetrics metrics;
    private final TempSpaces temp;
    private final RandomGenerator random = new java.util.SplittableRandom();

    VerifyJobHandler(BackupProperties backup, VerifyProperties properties, ObjectStore store, VerifyMetrics metrics, TempSpaces temp) {
        this.backup = backup;
        this.temp = temp;
        this.properties = properties;
        this.catalog = new BackupCatalog(store);
        this.metrics = metrics;
    }

    @Override
    public JobType jobType() {
        return JobType.VERIFY;
    }

    @Override
    public JobOutcome run(JobContext ctx) throws Exception {
        VerifyTarget target;
        try {
            target = VerifyTarget.resolve(ctx.requireParameter("series"), backup);
        } catch (IllegalArgumentException e) {
            // nothing is listed, downloaded or written for a series this worker does not back up
            throw new JobRejectedException("UNKNOWN_SERIES", e.getMessage());
        }
        List<StoredBackup> chosen = choose(ctx, target);
        BackupVerifier verifier = new BackupVerifier(catalog, new PostgresTools(properties.pgRestorePath(), properties.psqlPath(),
                "pg_dump", properties.toolTimeout()), settings(), ctx.clock());
        ctx.info("Verifying {} backup(s) of {}: {}", chosen.size(), target.prefix(),
                chosen.stream().map(StoredBackup::fileName).collect(Collectors.joining(", ")));
        Instant started = ctx.clock().instant();
        List<VerificationRecord> records = new ArrayList<>();
        List<Artifact> artifacts = new ArrayList<>();
        for (StoredBackup candidate : chosen) {
            ctx.checkCancelled();
            VerificationRecord record;
            try {
                record = verifier.verify(candidate, ctx::info);
            } catch (PostgresTools.PrivilegedRoleException e) {
                // a setting to change, not the backup's fault: retrying cannot help
                throw new JobFailedException("SCRATCH_ROLE_PRIVILEGED", "cannot verify " + candidate.key() + ": " + e.getMessage(), false, e);
            } catch (TempSpace.InsufficientSpaceException | InsufficientDiskSpaceException e) {
                // not the backup's fault, and space may be freed before the next attempt (another job's files removed)
                throw new JobFailedException(InsufficientDiskSpaceException.REASON, "cannot verify " + candidate.key() + ": " + e.getMessage(), true, e);
            } catch (RestoreException e) {
                throw new JobFailedException("VERIFY_ERROR", "cannot verify " + candidate.key() + ": " + e.getMessage(), true, e);
            }
            catalog.record(record);
            records.add(record);
            if (record.isOk()) {
                metrics.verified(ctx.jobName(), target.prefix(), target.sourceTag());
                artifacts.add(artifact(catalog.head(candidate), record));
            } else if (record.outcome() == VerificationRecord.Outcome.ENCRYPTED_NOT_RESTORED) {
                metrics.notRestored(ctx.jobName(), target.prefix(), target.sourceTag());
            } else {
                metrics.failed(ctx.jobName(), target.prefix(), target.sourceTag());
            }
        }
        List<VerificationRecord> failed = records.stream().filter(r -> r.outcome() == VerificationRecord.Outcome.FAILED).toList();
        long notRestored = records.stream().filter(r -> r.outcome() == VerificationRecord.Outcome.ENCRYPTED_NOT_RESTORED).count();
        if (!failed.isEmpty()) {
            throw new JobFailedException("VERIFICATION_FAILED", failed.size() + " of " + records.size() + " backup(s) failed verification: "
                    + failed.stream().map(r -> r.key() + ": " + r.reason()).collect(Collectors.joining("; ")), false);
        }
        Duration took = Duration.between(started, ctx.clock().instant());
        long rows = records.stream().flatMap(r -> r.tables().values().stream()).mapToLong(Long::longValue).sum();
        String message = String.format("verified %s in %.1f s: %s", records.size() == 1 ? "1 backup" : records.size() + " backups",
                took.toMillis() / 1000.0, records.stream().map(r -> r.isOk() ? r.key() + " OK (" + BackupVerifier.rows(r.tables()) + ")"
                        : r.key() + " " + VerifiedSidecar.NOT_RESTORED_TEXT + " (checksum and age header OK)")
                        .collect(Collectors.joining("; ")));
        JobOutcome outcome = JobOutcome.succeeded(message)
                .withStat("verified", records.size())
                .withStat("failed", 0)
                .withStat("not_restored", notRestored)
                .withStat("rows", rows)
                .withStat("stored_bytes", artifacts.stream().mapToLong(Artifact::getSizeBytes).sum());
        if (records.size() == 1) {
            for (var table : records.get(0).tables().entrySet()) {
                outcome = outcome.withStat("rows_" + table.getKey(), table.getValue());
            }
        }
        for (Artifact artifact : artifacts) {
            outcome = outcome.withArtifact(artifact);
        }
        return outcome;
    }

    private List<StoredBackup> choose(JobContext ctx, VerifyTarget target) {
        Optional<String> key = ctx.parameter("key");
        if (key.isPresent()) {
            try {
                target.requireKey(key.get());
            } catch (IllegalArgumentException e) {
                throw new JobRejectedException("INVALID_KEY", e.getMessage());
            }
            // named by key: used whatever its date
            return List.of(catalog.find(key.get()).orElseThrow(() -> new JobRejectedException("UNKNOWN_BACKUP",
                    "no backup with key " + VerifyTarget.quoted(key.get()) + " in the bucket")));
        }
        Sample sample;
        try {
            sample = Sample.parse(ctx.parameter("sample").orElse(properties.sample()));
        } catch (IllegalArgumentException e) {
            throw new JobRejectedException("INVALID_PARAMETER", e.getMessage());
        }
        List<StoredBackup> listed = catalog.list(target.prefix()).stream().filter(b -> target.holds(b.key())).toList();
        Instant now = ctx.clock().instant();
        BackupChoice.Dated dated = BackupChoice.split(listed, now);
        if (!dated.futureDated().isEmpty()) {
            ctx.warn("{}", dated.describeIgnored(now));
        }
        if (dated.current().isEmpty()) {
            throw new JobFailedException("NO_BACKUPS", "series '" + target.prefix() + "' holds no backups yet"
                    + (dated.futureDated().isEmpty() ? "" : " that are not future-dated") + ": run its backup job first", false);
        }
        return BackupChoice.sample(dated.current(), sample, random);
    }

    private BackupVerifier.Settings settings() {
        Optional<PgConnection> scratch = Optional.empty();
        if (properties.scratch().enabled()) {
            BackupProperties.Postgres pg = backup.postgres();
            String url = properties.scratch().jdbcUrl() != null ? properties.scratch().jdbcUrl()
                    : "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/postgres";
            VerifyProperties.Scratch settings = properties.scratch();
            scratch = Optional.of(settings.user() != null ? PgConnection.parse(url, settings.user(), settings.password())
                    : PgConnection.parse(url, pg.user(), pg.password()));
        }
        return new BackupVerifier.Settings(temp.in(properties.tempDir() != null ? properties.tempDir() : backup.tempDir()),
                properties.tempReserveBytes() > 0 ? properties.tempReserveBytes() : backup.tempReserveBytes(),
                scratch, properties.scratch().database(), properties.maxRestoreBytes(), identity());
    }

    /** The identity of {@code offsite.verify.age-identity-file}; a file that is no identity fails the job, saying why. */
    private Optional<AgeIdentity> identity() {
        if (properties.ageIdentityFile() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(AgeIdentity.load(properties.ageIdentityFile()));
        } catch (IllegalArgumentException e) {
            throw new JobFailedException("VERIFY_ERROR", "offsite.verify.age-identity-file: " + e.getMessage(), false);
        }
    }

    private Artifact artifact(StoredObject head, VerificationRecord record) {
        return new Artifact(catalog.store().bucket(), head.key(), head.size(), record.sha256(),
                head.meta(BackupMetadata.SOURCE_BYTES).map(Long::parseLong).orElse(-1L), head.meta(BackupMetadata.COMPRESSION).orElse(""), record.sourceSha256());
    }
}
