package io.offsite.worker.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeleteReportTest {

    @Test
    void perKeyCodesOfALockOrAPolicyAreRefusalsAndServerTroubleIsNot() {
        assertThat(DeleteReport.Failure.perKey("AccessDenied", "Object is WORM protected").refused()).isTrue();
        assertThat(DeleteReport.Failure.perKey("InvalidRequest", "retention").refused()).isTrue();
        assertThat(DeleteReport.Failure.perKey("InternalError", "disk").refused()).isFalse();
        assertThat(DeleteReport.Failure.perKey("SlowDown", "").refused()).isFalse();
        assertThat(DeleteReport.Failure.perKey(null, "no code").refused()).isFalse();
    }

    @Test
    void failedDescribesEveryKeyAndRefusedOnlyTheRefusedOnes() {
        DeleteReport report = new DeleteReport(List.of("a"), Map.of(
                "b", DeleteReport.Failure.perKey("AccessDenied", "locked until 2030"),
                "c", DeleteReport.Failure.perKey("InternalError", "")));
        assertThat(report.complete()).isFalse();
        assertThat(report.failed()).containsEntry("b", "AccessDenied: locked until 2030").containsEntry("c", "InternalError");
        assertThat(report.refused()).containsOnlyKeys("b");
        assertThat(DeleteReport.empty().complete()).isTrue();
    }
}
