package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code offsite run} says when the job is unknown or its completion does not come in time. */
class RunCommandTest {

    @Test
    void anUnknownJobIsAnsweredWithTheJobsThatExist() {
        assertThat(RunCommand.unknownJob("no-such-job", List.of("backup-database", "rotate-backups")))
                .isEqualTo("no job 'no-such-job' (HTTP 404); jobs: backup-database, rotate-backups");
        assertThat(RunCommand.unknownJob("x", List.of())).contains("no jobs configured");
        assertThat(RunCommand.unknownJob("x", null)).contains("did not list its jobs");
    }

    @Test
    void aTimedOutWaitPointsAtTheRunApiAndTheBackups() {
        String message = RunCommand.noCompletion("run-1", Duration.ofMinutes(10), "http://127.0.0.1:8080", Path.of("data/api-token"));
        assertThat(message).contains("no completion of run run-1 within PT10M").contains("may still be running")
                .contains("http://127.0.0.1:8080/api/v1/runs/run-1").contains("Authorization: Bearer $")
                .contains("bin/offsite backups")
                .doesNotContain("offsite runs");
        if (System.getenv(ApiToken.VARIABLE) == null) {
            assertThat(message).contains("curl -H \"Authorization: Bearer $(cat data/api-token)\" http://127.0.0.1:8080/api/v1/runs/run-1");
        }
    }
}
