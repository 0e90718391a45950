package io.offsite.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.Trigger;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RequestLimitsTest {

    static final RequestLimits LIMITS = RequestLimits.DEFAULT;

    static {
        EventTrust.install();
    }

    static JobRequested request(Consumer<JobRequested.Builder> change) {
        Instant now = Instant.parse("2025-06-01T12:00:00Z");
        JobRequested.Builder builder = JobRequested.newBuilder().setRunId("backup@2025-06-01").setJobName("backup").setJobType("BACKUP")
                .setTrigger(Trigger.SCHEDULE).setScheduledFor(now).setRequestedAt(now).setParameters(Map.of("source", "db"));
        change.accept(builder);
        return builder.build();
    }

    static Map<String, String> parameters(int count, int nameLength, int valueLength) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String name = String.format("%0" + Math.max(3, nameLength) + "d", i).substring(0, Math.max(3, nameLength));
            map.put(name, "v".repeat(valueLength));
        }
        return map;
    }

    static Stream<Arguments> cases() {
        String s256 = "r".repeat(256);
        String s257 = "r".repeat(257);
        return Stream.of(
                Arguments.of("a plain request", request(b -> { }), null),
                Arguments.of("fields at the limit", request(b -> b.setRunId(s256).setJobName(s256).setRequestedBy(s256).setCausationRunId(s256)), null),
                Arguments.of("64 parameters of the largest size", request(b -> b.setParameters(parameters(64, 256, 4096))), null),
                Arguments.of("long runId", request(b -> b.setRunId(s257)), RequestLimits.FIELD_TOO_LONG),
                Arguments.of("long jobName", request(b -> b.setJobName(s257)), RequestLimits.FIELD_TOO_LONG),
                Arguments.of("long jobType", request(b -> b.setJobType(s257)), RequestLimits.FIELD_TOO_LONG),
                Arguments.of("long requestedBy", request(b -> b.setRequestedBy(s257)), RequestLimits.FIELD_TOO_LONG),
                Arguments.of("long causationRunId", request(b -> b.setCausationRunId(s257)), RequestLimits.FIELD_TOO_LONG),
                Arguments.of("65 parameters", request(b -> b.setParameters(parameters(65, 3, 1))), RequestLimits.TOO_MANY_PARAMETERS),
                Arguments.of("long parameter name", request(b -> b.setParameters(parameters(1, 257, 1))), RequestLimits.PARAMETER_TOO_LONG),
                Arguments.of("long parameter value", request(b -> b.setParameters(parameters(1, 3, 4097))), RequestLimits.PARAMETER_TOO_LONG),
                Arguments.of("empty runId", request(b -> b.setRunId("")), RequestLimits.INVALID_IDENTIFIER),
                Arguments.of("empty jobName", request(b -> b.setJobName("")), RequestLimits.INVALID_IDENTIFIER),
                Arguments.of("newline in jobName", request(b -> b.setJobName("backup\nFAKE LOG LINE")), RequestLimits.INVALID_IDENTIFIER),
                Arguments.of("NUL in runId", request(b -> b.setRunId("run\u0000")), RequestLimits.INVALID_IDENTIFIER),
                Arguments.of("escape in requestedBy", request(b -> b.setRequestedBy("\u001b[31mred")), RequestLimits.INVALID_IDENTIFIER),
                Arguments.of("line separator in jobType", request(b -> b.setJobType("BACKUP\u2028")), RequestLimits.INVALID_IDENTIFIER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusesWhatIsPastTheLimits(String name, JobRequested request, String reason) {
        var refusal = LIMITS.check(request);
        if (reason == null) {
            assertThat(refusal).isEmpty();
        } else {
            assertThat(refusal).hasValueSatisfying(r -> {
                assertThat(r.reason()).isEqualTo(reason);
                assertThat(r.detail()).doesNotContain("rrrrrrrr").doesNotContain("vvvvvvvv").doesNotContain("FAKE");
            });
        }
    }

    @Test
    void configuredLimitsApply() {
        RequestLimits tight = new RequestLimits(10, 10, 10, 1);
        assertThat(tight.check(request(b -> b.setRunId("x".repeat(11))))).hasValueSatisfying(r -> assertThat(r.reason()).isEqualTo(RequestLimits.FIELD_TOO_LONG));
        assertThat(tight.check(request(b -> b.setRunId("x".repeat(10))))).isEmpty();
        assertThat(tight.check(request(b -> b.setRunId("r").setParameters(Map.of("a", "1", "b", "2"))))).hasValueSatisfying(r ->
                assertThat(r.reason()).isEqualTo(RequestLimits.TOO_MANY_PARAMETERS));
        assertThat(tight.check(request(b -> b.setRunId("r").setParameters(Map.of("a", "x".repeat(11)))))).hasValueSatisfying(r ->
                assertThat(r.reason()).isEqualTo(RequestLimits.PARAMETER_TOO_LONG));
    }

    @Test
    void refusalsSayWhichFieldBrokeWhichLimit() {
        assertThat(LIMITS.check(request(b -> b.setRunId("r".repeat(257)))))
                .contains(new RequestLimits.Violation("field-too-long", "the runId has 257 characters; at most 256 are accepted"));
        assertThat(LIMITS.check(request(b -> b.setParameters(Map.of("source", "v".repeat(4097))))))
                .contains(new RequestLimits.Violation("parameter-too-long",
                        "the value of parameter 'source' has 4097 characters; at most 4096 are accepted"));
        assertThat(LIMITS.checkIdentifier("jobName", "a\nb"))
                .contains(new RequestLimits.Violation("invalid-identifier", "the jobName holds the control character U+000A at index 1"));
        assertThat(LIMITS.checkIdentifier("runId", "")).contains(new RequestLimits.Violation("invalid-identifier", "the runId is empty"));
        assertThat(LIMITS.checkIdentifier("runId", "backup-database@2026-01-01T00:00:00Z")).isEmpty();
    }
}
