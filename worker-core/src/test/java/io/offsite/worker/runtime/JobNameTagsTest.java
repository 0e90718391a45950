package io.offsite.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class JobNameTagsTest {

    @Test
    void acceptedJobsAreTheOnlyTagValues() {
        JobNameTags tags = new JobNameTags(List.of("backup-database", "rotate-backups"), 100);
        assertThat(tags.of("backup-database")).isEqualTo("backup-database");
        assertThat(tags.of("forged-" + "x".repeat(200))).isEqualTo(JobNameTags.OTHER);
        assertThat(tags.of(null)).isEqualTo(JobNameTags.OTHER);
    }

    @Test
    void theAcceptedJobsAreKnownFromTheStartAndEachCombinationIsRegisteredOnce() {
        JobNameTags tags = new JobNameTags(List.of("rotate-backups", "backup-database"), 100);
        assertThat(tags.known()).containsExactly("backup-database", "rotate-backups");
        List<String> registered = new java.util.ArrayList<>();
        tags.registerAtZero(List.of("a", "b"), (job, source) -> registered.add(job + "/" + source));
        assertThat(registered).containsExactly("backup-database/a", "backup-database/b", "rotate-backups/a", "rotate-backups/b");
        assertThat(new JobNameTags(List.of(), 100).known()).as("no name is known before a request").isEmpty();
    }

    @Test
    void withoutAcceptedJobsTheFirstNamesAreKeptAndLaterOnesAreOther() {
        JobNameTags tags = new JobNameTags(List.of(), 3);
        assertThat(IntStream.range(0, 10).mapToObj(i -> tags.of("job-" + i)).toList())
                .containsExactly("job-0", "job-1", "job-2", "other", "other", "other", "other", "other", "other", "other");
        assertThat(tags.of("job-1")).as("a name seen before keeps its tag").isEqualTo("job-1");
    }

    @Test
    void expectedJobsAreKnownFromTheStartWithoutRefusingOthersAndCountTowardsTheLimit() {
        JobNameTags tags = new JobNameTags(List.of(), List.of("rotate-backups", "backup-database"), 3);
        assertThat(tags.known()).containsExactly("backup-database", "rotate-backups");
        assertThat(tags.of("backup-database")).isEqualTo("backup-database");
        assertThat(tags.of("another-system-job")).as("one name left under the limit").isEqualTo("another-system-job");
        assertThat(tags.of("one-more")).isEqualTo(JobNameTags.OTHER);
        assertThat(new JobNameTags(List.of("only-this"), List.of("ignored"), 3).known())
                .as("accepted jobs are the known ones; expected ones do not widen them").containsExactly("only-this");
        assertThat(new JobNameTags(List.of(), List.of("c", "a", "b"), 2).known()).as("never more than the limit").containsExactly("a", "b");
    }
}
