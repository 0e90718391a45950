package io.offsite.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.RequestLimits.Violation;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.Trigger;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestLimitsTest {

    private static final Instant T0 = Instant.parse("2026-01-15T00:00:00Z");

    static {
        EventTrust.install();
    }

    private static JobRequested.Builder request() {
        return JobRequested.newBuilder()
                .setRunId("backup-database@" + T0)
                .setJobName("backup-database")
                .setJobType("BACKUP")
                .setTrigger(Trigger.EXTERNAL)
                .setScheduledFor(T0)
                .setRequestedAt(T0)
                .setParameters(Map.of("source", "pokemon-data"));
    }

    @Test
    void anOrdinaryRequestPasses() {
        assertThat(RequestLimits.DEFAULT.check(request().build())).isEmpty();
    }

    @Test
    void requestsAtTheLimitsPassAndOneMoreCharacterOrParameterIsRefused() {
        Map<String, String> parameters = new HashMap<>();
        for (int i = 0; i < 64; i++) {
            parameters.put("p" + i, "v".repeat(4096));
        }
        parameters.put("p0", "v".repeat(4096));
        JobRequested atLimits = request().setRunId("r".repeat(256)).setJobName("j".repeat(256))
                .setRequestedBy("x".repeat(256)).setParameters(parameters).build();
        assertThat(RequestLimits.DEFAULT.check(atLimits)).isEmpty();

        assertThat(RequestLimits.DEFAULT.check(request().setRunId("r".repeat(257)).build()))
                .contains(new Violation("request-too-large", "runId has 257 characters, at most 256 are accepted"));
        parameters.put("p64", "v");
        assertThat(RequestLimits.DEFAULT.check(request().setParameters(parameters).build()))
                .contains(new Violation("request-too-large", "65 parameters, at most 64 are accepted"));
        assertThat(RequestLimits.DEFAULT.check(request().setParameters(Map.of("source", "v".repeat(4097))).build()))
                .contains(new Violation("request-too-large",
                        "parameter 'source' has 4097 characters, at most 4096 are accepted"));
        assertThat(RequestLimits.DEFAULT.check(request().setParameters(Map.of("k".repeat(257), "v")).build()))
                .get().extracting(Violation::detail).asString().startsWith("parameter name has 257 characters");
        assertThat(RequestLimits.DEFAULT.check(request().setCausationRunId("c".repeat(300)).build()))
                .get().extracting(Violation::reason).isEqualTo("request-too-large");
    }

    @Test
    void emptyOrControlCharacterNamesAreRefused() {
        assertThat(RequestLimits.DEFAULT.check(request().setJobName(" ").build()))
                .contains(new Violation("invalid-name", "jobName is empty"));
        assertThat(RequestLimits.DEFAULT.check(request().setRunId("a\nb").build()))
                .contains(new Violation("invalid-name", "runId contains the control character U+000A at 1"));
    }
}
