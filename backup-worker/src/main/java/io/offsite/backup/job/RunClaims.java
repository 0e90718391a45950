package io.offsite.backup.job;

import io.offsite.worker.artifact.BackupKeys;
import io.offsite.worker.artifact.BackupMetadata;
import io.offsite.worker.job.JobContext;
import io.offsite.worker.job.JobFailedException;
import io.offsite.worker.job.JobRejectedException;
import io.offsite.worker.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * Makes a run id an idempotency key: before a run stores anything it claims its keys under
 * {@code _runs/<sha256 of the run id>}. A request whose run id is claimed for other keys (the same run id with another
 * {@code scheduledFor} or source) is {@code REJECTED} with {@code DUPLICATE_RUN_ID}, naming the keys of the original;
 * the same keys go on as before, so a redelivery completes as "already stored" and a retry after a failure (even one
 * between the claim and the upload) stores the backup.
 *
 * <p>Nothing is claimed for a request that is refused (a conflicting run id, a key another run stored). A run that
 * stored its objects before claims existed is claimed when it is redelivered.
 *
 * <p>The claim is read, then written, with no conditional write in between: requests with one run id are serialized
 * when they carry the same job name (one partition, one consumer), which every redelivery and retry does. Two requests
 * with one run id under different job names, delivered at the same moment, could both pass.
 */
final class RunClaims {

    static final String DUPLICATE_RUN_ID = "DUPLICATE_RUN_ID";
    static final String RUN_CLAIM_UNREADABLE = "RUN_CLAIM_UNREADABLE";

    private final ObjectStore store;

    RunClaims(ObjectStore store) {
        this.store = store;
    }

    /**
     * Checks the run's claim against the keys this request would store.
     *
     * @return whether the run id is claimed for exactly these keys already (a redelivery or a retry); false when unclaimed
     * @throws JobRejectedException {@code DUPLICATE_RUN_ID} when the run id is claimed for other keys
     * @throws JobFailedException {@code RUN_CLAIM_UNREADABLE} (not retryable) when the claim object is not a claim of this run id
     */
    boolean check(JobContext ctx, String source, List<String> keys) {
        Optional<RunClaim> existing = find(ctx.runId());
        if (existing.isEmpty()) {
            return false;
        }
        RunClaim claim = existing.get();
        if (!claim.sameKeys(keys)) {
            throw new JobRejectedException(DUPLICATE_RUN_ID, "run id '" + ctx.runId() + "' already stored " + String.join(", ", claim.keys())
                    + " (source " + claim.source() + ", scheduled for " + claim.scheduledFor() + ", claimed " + claim.claimedAt()
                    + "); this request (source " + source + ", scheduled for " + ctx.scheduledFor() + ") would store "
                    + String.join(", ", keys) + ": a run id produces one backup, so publish a new run id for a new backup");
        }
        ctx.info("Run {} claimed {} before (this is attempt {})", ctx.runId(), String.join(", ", keys), ctx.attempt());
        return true;
    }

    /** Claims {@code keys} for the run; called before its first upload. */
    void write(JobContext ctx, String source, List<String> keys) {
        RunClaim claim = new RunClaim(ctx.runId(), ctx.jobName(), source, ctx.scheduledFor(), keys, ctx.clock().instant());
        store.putSmall(BackupKeys.runClaimKey(ctx.runId()), claim.toJson(), "application/json", BackupMetadata.ofRun(ctx.runId()));
    }

    Optional<RunClaim> find(String runId) {
        String key = BackupKeys.runClaimKey(runId);
        if (store.head(key).isEmpty()) {
            return Optional.empty();
        }
        byte[] body;
        try (InputStream in = store.open(key)) {
            body = in.readNBytes(RunClaim.MAX_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run claim " + key + ": " + e.getMessage(), e);
        }
        RunClaim claim;
        try {
            if (body.length > RunClaim.MAX_BYTES) {
                throw new IllegalArgumentException("larger than " + RunClaim.MAX_BYTES + " bytes");
            }
            claim = RunClaim.fromJson(body);
        } catch (IllegalArgumentException e) {
            throw unreadable(key, runId, e.getMessage());
        }
        if (!claim.runId().equals(runId)) {
            throw unreadable(key, runId, "it names run id '" + claim.runId() + "'");
        }
        return Optional.of(claim);
    }

    private static JobFailedException unreadable(String key, String runId, String why) {
        return new JobFailedException(RUN_CLAIM_UNREADABLE, "the claim " + key + " of run id '" + runId + "' is not a run claim (" + why
                + "): nothing was stored; check the object and remove it if the run should go ahead", false);
    }
}
