package io.offsite.events.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.events.Topics;
import io.offsite.events.serde.EventDecodingException.MalformedEventException;
import io.offsite.events.serde.EventDecodingException.NotSingleObjectEncodedException;
import io.offsite.events.serde.EventDecodingException.UnknownSchemaException;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private static final Instant T0 = Instant.parse("2025-01-15T00:00:00Z");

    private final EventSerializer serializer = new EventSerializer();
    private final EventDeserializer deserializer = new EventDeserializer();

    static JobRequested request() {
        return JobRequested.newBuilder()
                .setRunId("backup-database@2025-01-15T00:00:00Z")
                .setJobName("backup-database")
                .setJobType("BACKUP")
                .setAttempt(2)
                .setMaxAttempts(3)
                .setTrigger(Trigger.RETRY)
                .setScheduledFor(T0)
                .setRequestedAt(T0.plusSeconds(31))
                .setDeadline(T0.plusSeconds(331))
                .setCausationRunId("backup-database@2025-01-15T00:00:00Z")
                .setRequestedBy("scheduler")
                .setParameters(Map.of("source", "pokemon-data"))
                .build();
    }

    static JobCompleted completed() {
        return JobCompleted.newBuilder()
                .setRunId("backup-database@2025-01-15T00:00:00Z")
                .setJobName("backup-database")
                .setJobType("BACKUP")
                .setAttempt(1)
                .setStatus(JobStatus.FAILED)
                .setRetryable(true)
                .setStartedAt(T0)
                .setFinishedAt(T0.plusSeconds(3))
                .setWorker("backup-worker@host:1")
                .setError(new JobError("STORAGE_UNAVAILABLE", "S3 endpoint refused the connection"))
                .setArtifacts(List.of(new Artifact("offsite-backups", "backup-database/x.gz", 12L, "ab", 40L, "gzip", "cd")))
                .setStats(Map.of("bytes_read", 40L))
                .setMessage("failed")
                .setScheduledFor(T0)
                .build();
    }

    @Test
    void everyRecordRoundTrips() {
        JobStarted started = JobStarted.newBuilder()
                .setRunId("r").setJobName("j").setAttempt(1).setStartedAt(T0).setWorker("w")
                .setJobType("BACKUP").setDeadline(T0.plusSeconds(60)).build();
        for (SpecificRecord record : List.of(request(), started, completed())) {
            byte[] bytes = serializer.serialize(Topics.JOB_EVENTS, record);
            assertThat(bytes[0]).isEqualTo((byte) 0xC3);
            assertThat(bytes[1]).isEqualTo((byte) 0x01);
            assertThat(deserializer.deserialize(Topics.JOB_EVENTS, bytes)).isEqualTo(record);
        }
    }

    @Test
    void eventsCanBeBuiltAndDecodedWithoutAnySystemProperty() {
        assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES")).isNull();
        assertThat(deserializer.deserialize("t", serializer.serialize("t", completed()))).isEqualTo(completed());
    }

    @Test
    void nullValuesPassThrough() {
        assertThat(serializer.serialize("t", null)).isNull();
        assertThat(deserializer.deserialize("t", null)).isNull();
    }

    @Test
    void recordWrittenWithTheV0SchemaIsReadByTheCurrentClasses() throws IOException {
        Schema v0;
        try (InputStream in = getClass().getResourceAsStream("/v0/JobCompleted-v0.avsc")) {
            v0 = new Schema.Parser().parse(in);
        }
        assertThat(v0.getField("message")).isNull();
        assertThat(EventSchemas.get().knows(EventSchemas.fingerprint(v0))).isTrue();
        assertThat(EventSchemas.fingerprint(v0)).isNotEqualTo(EventSchemas.fingerprint(JobCompleted.getClassSchema()));

        GenericRecord error = new GenericData.Record(v0.getField("error").schema().getTypes().get(1));
        error.put("type", "SOURCE_NOT_FOUND");
        error.put("message", "no such file");
        Schema artifactSchema = v0.getField("artifacts").schema().getElementType();
        GenericRecord artifact = new GenericData.Record(artifactSchema);
        artifact.put("bucket", "b");
        artifact.put("key", "k");
        artifact.put("sizeBytes", 10L);
        artifact.put("sha256", "aa");
        artifact.put("sourceBytes", 20L);
        artifact.put("compression", "gzip");
        GenericRecord old = new GenericData.Record(v0);
        old.put("runId", "backup-database@2025-01-15T00:00:00Z");
        old.put("jobName", "backup-database");
        old.put("jobType", "BACKUP");
        old.put("attempt", 1);
        old.put("status", new GenericData.EnumSymbol(v0.getField("status").schema(), "FAILED"));
        old.put("retryable", false);
        old.put("startedAt", T0.toEpochMilli());
        old.put("finishedAt", T0.plusSeconds(1).toEpochMilli());
        old.put("worker", "w");
        old.put("error", error);
        old.put("artifacts", List.of(artifact));
        old.put("stats", Map.of());

        SpecificRecord decoded = deserializer.deserialize(Topics.JOB_EVENTS, singleObject(v0, old));

        assertThat(decoded).isInstanceOf(JobCompleted.class);
        JobCompleted current = (JobCompleted) decoded;
        assertThat(current.getStatus()).isEqualTo(JobStatus.FAILED);
        assertThat(current.getError().getType()).isEqualTo("SOURCE_NOT_FOUND");
        assertThat(current.getFinishedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(current.getMessage()).isNull();
        assertThat(current.getScheduledFor()).isNull();
        assertThat(current.getArtifacts().get(0).getSourceSha256()).isNull();
        assertThat(current.getArtifacts().get(0).getSizeBytes()).isEqualTo(10L);
    }

    @Test
    void recordWrittenWithTheV1SchemaIsReadWithNoDeletedKeys() throws IOException {
        Schema v1;
        try (InputStream in = EventSchemas.class.getResourceAsStream("/io/offsite/events/history/JobCompleted-v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(v1.getField("deletedKeys")).isNull();
        assertThat(v1.getField("scheduledFor")).isNotNull();
        assertThat(EventSchemas.get().knows(EventSchemas.fingerprint(v1))).isTrue();
        assertThat(EventSchemas.fingerprint(v1)).isNotEqualTo(EventSchemas.fingerprint(JobCompleted.getClassSchema()));

        GenericRecord old = new GenericData.Record(v1);
        old.put("runId", "rotate-backups@2025-01-15T01:00:00Z");
        old.put("jobName", "rotate-backups");
        old.put("jobType", "ROTATION");
        old.put("attempt", 1);
        old.put("status", new GenericData.EnumSymbol(v1.getField("status").schema(), "SUCCEEDED"));
        old.put("retryable", false);
        old.put("startedAt", T0.toEpochMilli());
        old.put("finishedAt", T0.plusSeconds(1).toEpochMilli());
        old.put("worker", "w");
        old.put("error", null);
        old.put("artifacts", List.of());
        old.put("stats", Map.of("backups_deleted", 3L));
        old.put("message", "kept 5 and deleted 3 backups");
        old.put("scheduledFor", T0.toEpochMilli());

        JobCompleted current = (JobCompleted) deserializer.deserialize(Topics.JOB_EVENTS, singleObject(v1, old));

        assertThat(current.getStats()).containsEntry("backups_deleted", 3L);
        assertThat(current.getMessage()).isEqualTo("kept 5 and deleted 3 backups");
        assertThat(current.getDeletedKeys()).as("a v1 writer deleted nothing it could say").isEmpty();
    }

    @Test
    void deletedKeysTravel() {
        JobCompleted rotation = JobCompleted.newBuilder(completed()).setJobType("ROTATION")
                .setDeletedKeys(List.of("backup-database/a-2025-01-01T00-00-00.000Z.db.gz",
                        "backup-database/a-2025-01-01T00-00-00.000Z.db.gz.sha256"))
                .build();
        JobCompleted decoded = (JobCompleted) deserializer.deserialize(Topics.JOB_EVENTS, serializer.serialize(Topics.JOB_EVENTS, rotation));
        assertThat(decoded.getDeletedKeys()).containsExactlyElementsOf(rotation.getDeletedKeys());
    }

    @Test
    void garbageBytesAreRejectedWithAHeaderError() {
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {1, 2, 3}))
                .isInstanceOf(NotSingleObjectEncodedException.class)
                .hasMessageContaining("3 bytes");
        assertThatThrownBy(() -> deserializer.deserialize("t", "{\"runId\":\"x\",\"jobName\":\"y\"}".getBytes()))
                .isInstanceOf(NotSingleObjectEncodedException.class)
                .hasMessageContaining("expected marker C3 01, found 7B 22")
                .hasMessageContaining("looks like JSON");
    }

    @Test
    void wrongMarkerIsRejected() {
        byte[] bytes = serializer.serialize("t", request());
        bytes[1] = 0x02;
        assertThatThrownBy(() -> deserializer.deserialize("t", bytes))
                .isInstanceOf(NotSingleObjectEncodedException.class)
                .hasMessageContaining("found C3 02");
    }

    @Test
    void unknownFingerprintIsRejectedNamingIt() {
        byte[] bytes = serializer.serialize("t", request());
        ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0123456789abcdefL);
        assertThatThrownBy(() -> deserializer.deserialize("t", bytes))
                .isInstanceOfSatisfying(UnknownSchemaException.class,
                        e -> assertThat(e.fingerprint()).isEqualTo(0x0123456789abcdefL))
                .hasMessageContaining("0123456789abcdef");
    }

    @Test
    void knownHeaderWithGarbageBodyIsMalformed() {
        byte[] good = serializer.serialize("t", request());
        byte[] bad = new byte[14];
        System.arraycopy(good, 0, bad, 0, 10);
        bad[10] = (byte) 0xff; // a huge negative length for the runId string
        bad[11] = (byte) 0xff;
        bad[12] = (byte) 0xff;
        bad[13] = (byte) 0x7f;
        assertThatThrownBy(() -> deserializer.deserialize("t", bad))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("io.offsite.events.v1.JobRequested");
    }

    @Test
    void trailingBytesAreMalformed() {
        byte[] good = serializer.serialize("t", request());
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 3);
        assertThatThrownBy(() -> deserializer.deserialize("t", longer))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("trailing");
    }

    @Test
    void topicNamesAreDerivedInOnePlace() {
        assertThat(Topics.deadLetterTopic(Topics.REQUESTS_BACKUP)).isEqualTo("offsite.requests.backup.dlt");
        assertThat(Topics.JobType.parse("backup").requestTopic()).isEqualTo(Topics.REQUESTS_BACKUP);
        assertThatThrownBy(() -> Topics.JobType.parse("restore")).hasMessageContaining("unknown job type 'restore'");
        assertThat(Topics.all()).contains(Topics.JOB_EVENTS, "offsite.requests.rotation.dlt").doesNotHaveDuplicates();
    }

    private static byte[] singleObject(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(EventSchemas.fingerprint(schema)).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
