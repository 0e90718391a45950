package io.offsite.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.serde.EventCodec;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompletionFitterTest {

    static JobCompleted.Builder completion() {
        return JobCompleted.newBuilder().setRunId("run").setJobName("job").setJobType("BACKUP").setStatus(JobStatus.SUCCEEDED)
                .setFinishedAt(Instant.parse("2025-06-01T12:00:00Z")).setWorker("worker@host:1").setMessage("done");
    }

    static Artifact artifact(int n) {
        return Artifact.newBuilder().setBucket("bucket").setKey("series/" + "k".repeat(200) + n).setSizeBytes(n).setSha256("0".repeat(64))
                .setSourceBytes(n).setCompression("gzip").build();
    }

    @Test
    void truncationKeepsTheStartAndMarksTheCut() {
        assertThat(CompletionFitter.truncate("short", 100)).isEqualTo("short");
        assertThat(CompletionFitter.truncate(null, 100)).isNull();
        String cut = CompletionFitter.truncate("a".repeat(10_000), 100);
        assertThat(cut).hasSize(100).startsWith("aaaa").endsWith("… (truncated, 10000 chars)");
        assertThat(CompletionFitter.truncate("a".repeat(100), 100)).isEqualTo("a".repeat(100));
    }

    @Test
    void truncationNeverSplitsASurrogatePair() {
        String emoji = "\uD83D\uDE00".repeat(100);
        String cut = CompletionFitter.truncate(emoji, 64);
        String kept = cut.substring(0, cut.indexOf('…'));
        assertThat(kept.length() % 2).isZero();
        assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
    }

    @Test
    void messageAndErrorMessageAreCut() {
        CompletionFitter fitter = new CompletionFitter(4096, 1024 * 1024);
        JobCompleted fitted = fitter.fit(completion().setStatus(JobStatus.FAILED).setMessage("m".repeat(50_000))
                .setError(new JobError("BOOM", "e".repeat(1_000_000))).build());
        assertThat(fitted.getMessage()).hasSize(4096).endsWith("(truncated, 50000 chars)");
        assertThat(fitted.getError().getMessage()).hasSize(4096).endsWith("(truncated, 1000000 chars)");
        assertThat(fitted.getError().getType()).isEqualTo("BOOM");
    }

    @Test
    void deletedKeysThatDoNotFitAreDroppedFirstAndTheCompletionSaysSo() {
        CompletionFitter fitter = new CompletionFitter(4096, 64 * 1024);
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            keys.add("backup-database/pokemon-data-" + i + "-2025-01-15T00-00-00.000Z.sqlite3.db.gz");
        }
        JobCompleted fitted = fitter.fit(completion().setJobType("ROTATION").setDeletedKeys(keys)
                .setStats(Map.of("backups_deleted", 1000L)).build());
        assertThat(fitted.getDeletedKeys()).isEmpty();
        assertThat(fitted.getStats()).containsEntry(io.offsite.events.DeletedKeys.TRUNCATED_STAT, 1L)
                .containsEntry("backups_deleted", 1000L);
        JobCompleted small = completion().setJobType("ROTATION").setDeletedKeys(keys.subList(0, 10)).build();
        assertThat(fitter.fit(small)).isEqualTo(small);
    }

    @Test
    void aFittingCompletionIsLeftAsItIs() {
        JobCompleted completed = completion().setArtifacts(List.of(artifact(1))).setStats(Map.of("rows", 3L)).build();
        assertThat(new CompletionFitter(4096, 1024 * 1024).fit(completed)).isEqualTo(completed);
    }

    @Test
    void artifactsAndStatsPastTheBudgetAreLeftOutAndTheMessageSaysSo() {
        List<Artifact> artifacts = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            artifacts.add(artifact(i));
        }
        Map<String, Long> stats = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            stats.put("stat_" + "s".repeat(100) + i, (long) i);
        }
        CompletionFitter fitter = new CompletionFitter(4096, 64 * 1024);
        JobCompleted fitted = fitter.fit(completion().setArtifacts(artifacts).setStats(stats).build());
        assertThat(new EventCodec().encode(fitted).length).isLessThanOrEqualTo(fitter.budgetBytes()).isLessThanOrEqualTo(32 * 1024);
        int kept = fitted.getArtifacts().size();
        assertThat(fitted.getMessage()).isEqualTo("done [completion trimmed to fit the producer's max.request.size: "
                + (1000 - kept) + " of 1000 artifacts and 5000 of 5000 stats left out]");
        assertThat(fitted.getStats()).isEmpty();
        assertThat(fitted.getArtifacts()).isEqualTo(artifacts.subList(0, kept));
        assertThat(kept).as("as many artifacts as fit").isGreaterThan(90);
        JobCompleted oneMore = JobCompleted.newBuilder(fitted).setArtifacts(artifacts.subList(0, kept + 1)).build();
        assertThat(new EventCodec().encode(oneMore).length).isGreaterThan(fitter.budgetBytes());
    }

    @Test
    void statsGoBeforeArtifacts() {
        Map<String, Long> stats = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            stats.put("stat_" + "s".repeat(100) + i, (long) i);
        }
        CompletionFitter fitter = new CompletionFitter(4096, 64 * 1024);
        JobCompleted fitted = fitter.fit(completion().setArtifacts(List.of(artifact(1), artifact(2))).setStats(stats).build());
        assertThat(fitted.getArtifacts()).hasSize(2);
        assertThat(fitted.getStats()).isNotEmpty().hasSizeLessThan(5000);
        assertThat(fitted.getMessage()).contains("0 of 2 artifacts and " + (5000 - fitted.getStats().size()) + " of 5000 stats left out");
    }

    @Test
    void anArtifactThatCannotBeEncodedIsLeftOut() {
        Artifact broken = new Artifact(); // every field null: does not encode
        JobCompleted fitted = new CompletionFitter(4096, 1024 * 1024).fit(completion().setArtifacts(List.of(artifact(1), broken)).build());
        assertThat(new EventCodec().encode(fitted)).isNotEmpty();
        assertThat(fitted.getMessage()).contains("left out");
    }

    @Test
    void anErrorWithoutTypeOrMessageStillEncodes() {
        JobCompleted fitted = new CompletionFitter(4096, 1024 * 1024).fit(completion().setError(new JobError(null, null)).build());
        assertThat(fitted.getError().getType()).isEqualTo("UNSPECIFIED");
        assertThat(new EventCodec().encode(fitted)).isNotEmpty();
    }
}
