package io.offsite.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DeletedKeysTest {

    private static JobCompleted completion(List<String> keys, Map<String, Long> stats) {
        return JobCompleted.newBuilder().setRunId("r").setJobName("rotate").setJobType("ROTATION")
                .setStatus(JobStatus.SUCCEEDED).setFinishedAt(Instant.parse("2025-01-15T01:00:00Z")).setWorker("w")
                .setDeletedKeys(keys).setStats(stats).build();
    }

    @Test
    void keysWithinTheBoundsAreReportedAndReadBack() {
        Map<String, Long> stats = new HashMap<>();
        List<String> keys = IntStream.range(0, DeletedKeys.MAX_KEYS).mapToObj(i -> "s/b-" + i).toList();
        List<String> reported = DeletedKeys.report(keys, stats);
        assertThat(reported).isEqualTo(keys);
        assertThat(stats).doesNotContainKey(DeletedKeys.TRUNCATED_STAT);
        assertThat(DeletedKeys.of(completion(reported, stats))).isEqualTo(new DeletedKeys.Complete(keys));
    }

    @Test
    void tooManyKeysAreReplacedByTheTruncatedStat() {
        Map<String, Long> stats = new HashMap<>();
        List<String> keys = IntStream.range(0, DeletedKeys.MAX_KEYS + 1).mapToObj(i -> "s/b-" + i).toList();
        List<String> reported = DeletedKeys.report(keys, stats);
        assertThat(reported).isEmpty();
        assertThat(stats).containsEntry(DeletedKeys.TRUNCATED_STAT, 1L);
        assertThat(DeletedKeys.of(completion(reported, stats))).isInstanceOf(DeletedKeys.Truncated.class);
    }

    @Test
    void tooManyCharactersAreCutToo() {
        Map<String, Long> stats = new HashMap<>();
        List<String> keys = IntStream.range(0, 300).mapToObj(i -> "s/" + "x".repeat(1000) + i).toList();
        assertThat(DeletedKeys.report(keys, stats)).isEmpty();
        assertThat(stats).containsEntry(DeletedKeys.TRUNCATED_STAT, 1L);
    }

    @Test
    void aListPastTheBoundsFromAnotherWriterIsNeverTakenAsComplete() {
        List<String> keys = IntStream.range(0, DeletedKeys.MAX_KEYS + 5).mapToObj(i -> "s/b-" + i).toList();
        assertThat(DeletedKeys.of(completion(keys, Map.of()))).isInstanceOf(DeletedKeys.Truncated.class);
        assertThat(DeletedKeys.of(completion(List.of("s/" + "k".repeat(DeletedKeys.MAX_KEY_LENGTH + 1)), Map.of())))
                .isInstanceOf(DeletedKeys.Truncated.class);
        assertThat(DeletedKeys.of(completion(List.of(), Map.of()))).isEqualTo(new DeletedKeys.Complete(List.of()));
    }
}
