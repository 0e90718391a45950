package io.offsite.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.Topics;
import io.offsite.events.serde.EventSchemas;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code offsite schema}: standard output is a valid, self-contained {@code .avsc}; the fingerprint goes to standard error. */
class SchemaCommandTest {

    private static final Instant T0 = Instant.parse("2025-01-15T00:00:00Z");
    /** Strict JSON: no comments, nothing after the value (Avro's own parser accepts comments). */
    private static final JsonMapper STRICT = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private static CliRun offsite(String... args) {
        return CliRun.of(args);
    }

    @Test
    void standardOutputIsTheSchemaAndItsFingerprintIsTheOneTheSerializerWrites() throws Exception {
        JobStarted started = JobStarted.newBuilder().setRunId("r").setJobName("j").setStartedAt(T0).setWorker("w").build();
        JobCompleted completed = JobCompleted.newBuilder().setRunId("r").setJobName("j").setJobType("BACKUP")
                .setStatus(JobStatus.SUCCEEDED).setFinishedAt(T0).setWorker("w").build();
        for (SpecificRecord record : List.of(request(), started, completed)) {
            String name = record.getSchema().getName();
            CliRun result = offsite("schema", name);
            assertThat(result.exit()).as(result.err()).isZero();

            JsonNode json = STRICT.readTree(result.out());
            assertThat(json.get("type").asString()).isEqualTo("record");
            assertThat(json.get("name").asString()).isEqualTo(name);
            Schema printed = new Schema.Parser().parse(result.out());
            assertThat(printed.getFullName()).isEqualTo("io.offsite.events.v1." + name);
            assertThat(result.out()).doesNotContain("avro.java.string").doesNotContain("//");

            byte[] written = Arrays.copyOf(new EventSerializer().serialize(Topics.JOB_EVENTS, record), 10);
            long writtenFingerprint = Long.reverseBytes(Long.parseUnsignedLong(HexFormat.of().formatHex(written, 2, 10), 16));
            assertThat(SchemaNormalization.parsingFingerprint64(printed)).isEqualTo(writtenFingerprint);
            assertThat(result.err()).contains(String.format("%016x", writtenFingerprint))
                    .contains(HexFormat.ofDelimiter(" ").formatHex(written)).contains("schemas/avsc/" + name + ".avsc");

            Path shipped = Path.of("..", "schemas", "avsc", name + ".avsc");
            assertThat(result.out()).as("the same as %s", shipped).isEqualTo(Files.readString(shipped));
        }
    }

    @Test
    void theExampleIsASingleObjectEncodedRequest() {
        CliRun result = offsite("schema", "JobRequested", "--example");
        assertThat(result.exit()).isZero();
        String hex = result.out().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
        byte[] bytes = HexFormat.ofDelimiter(" ").parseHex(hex);
        assertThat(hex).startsWith("c3 01 6b 4c a8 57 49 b6 3c b4");
        assertThat(new io.offsite.events.serde.EventDeserializer().deserialize(Topics.REQUESTS_BACKUP, bytes))
                .isInstanceOfSatisfying(JobRequested.class, r -> assertThat(r.getParameters()).containsEntry("source", "pokemon-data"));
        assertThat(EventSchemas.fingerprint(JobRequested.getClassSchema())).isEqualTo(0xb43cb64957a84c6bL);
    }

    @Test
    void wrongArgumentsSayWhatIsExpected() {
        assertThat(offsite("schema")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("usage: offsite schema <JobRequested|JobStarted|JobCompleted>");
            assertThat(r.out()).isEmpty();
        });
        assertThat(offsite("schema", "JobFinished")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("unknown event 'JobFinished': JobRequested, JobStarted or JobCompleted");
            assertThat(r.out()).isEmpty();
        });
        assertThat(offsite("schema", "JobStarted", "--example").err()).contains("--example is available for JobRequested");
        assertThat(offsite("schema", "JobStarted", "JobCompleted")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("unexpected arguments [JobStarted, JobCompleted]");
        });
        assertThat(offsite("schema", "--pretty", "JobStarted").exit()).isEqualTo(2);
    }

    private static JobRequested request() {
        return JobRequested.newBuilder().setRunId("j@" + T0).setJobName("j").setJobType("BACKUP").setTrigger(Trigger.MANUAL)
                .setScheduledFor(T0).setRequestedAt(T0).setParameters(Map.of("source", "s")).build();
    }
}
