package io.offsite.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GroupIdTest {

    @Test
    void defaultGroupIsPerType() {
        assertThat(WorkerKafkaConfiguration.groupId(null, "backup", false)).isEqualTo("offsite-backup-workers");
        assertThat(WorkerKafkaConfiguration.groupId(" ", "verify", true)).isEqualTo("offsite-verify-workers");
    }

    @Test
    void configuredGroupIsKeptForOneHandlerAndSuffixedForSeveral() {
        assertThat(WorkerKafkaConfiguration.groupId("backup-tests", "backup", false)).isEqualTo("backup-tests");
        assertThat(WorkerKafkaConfiguration.groupId("backup-tests", "verify", true)).isEqualTo("backup-tests-verify");
    }
}
