package io.offsite.events.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.Topics;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobStarted;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code avsc/} folder of this module: the schemas other languages use and their fingerprints, as the current
 * Java classes produce them. Run with {@code -Doffsite.avsc.write=true} to rewrite the folder after changing a schema.
 */
class ShippedSchemasTest {

    static final Path FOLDER = Path.of("avsc");
    static final String REGENERATE = "./mvnw -B -pl schemas test -Dtest=ShippedSchemasTest -Doffsite.avsc.write=true";
    static final boolean WRITE = Boolean.getBoolean("offsite.avsc.write");
    private static final Instant T0 = Instant.parse("2025-01-15T00:00:00Z");

    @BeforeAll
    static void writeWhenAsked() throws IOException {
        if (WRITE) {
            Files.createDirectories(FOLDER);
            for (Schema schema : PortableSchema.events()) {
                Files.writeString(FOLDER.resolve(schema.getName() + ".avsc"), PortableSchema.avsc(schema));
            }
            Files.writeString(FOLDER.resolve("FINGERPRINTS.md"), fingerprints());
        }
    }

    @Test
    void everyShippedFileIsWhatTheCurrentClassesProduce() throws IOException {
        for (Schema schema : PortableSchema.events()) {
            Path file = FOLDER.resolve(schema.getName() + ".avsc");
            assertThat(file).as("%s is missing; write it with:%n  %s", file.toAbsolutePath(), REGENERATE).isRegularFile();
            assertThat(Files.readString(file))
                    .as("%s differs from what the current Java classes produce; regenerate it with:%n  %s", file, REGENERATE)
                    .isEqualTo(PortableSchema.avsc(schema));
        }
        assertThat(Files.readString(FOLDER.resolve("FINGERPRINTS.md")))
                .as("avsc/FINGERPRINTS.md is stale; regenerate it with:%n  %s", REGENERATE)
                .isEqualTo(fingerprints());
        try (Stream<Path> files = Files.list(FOLDER)) {
            List<String> expected = Stream.concat(PortableSchema.events().stream().map(s -> s.getName() + ".avsc"),
                    Stream.of("FINGERPRINTS.md")).sorted().toList();
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .as("files in %s that no current event produces: delete them", FOLDER.toAbsolutePath())
                    .isEqualTo(expected);
        }
    }

    @Test
    void shippedFilesCarryNoJavaOnlyAttributeAndParseOnTheirOwn() throws IOException {
        for (Schema schema : PortableSchema.events()) {
            assertThat(schema.toString()).as("the generated class marks its strings").contains(PortableSchema.JAVA_STRING_PROPERTY);
            String text = Files.readString(FOLDER.resolve(schema.getName() + ".avsc"));
            assertThat(text).doesNotContain(PortableSchema.JAVA_STRING_PROPERTY);
            Schema shipped = new Schema.Parser().parse(text);
            assertThat(shipped.getFullName()).isEqualTo(schema.getFullName());
            assertThat(SchemaNormalization.toParsingForm(shipped)).isEqualTo(SchemaNormalization.toParsingForm(schema));
            assertThat(shipped.getField("runId").schema().getObjectProps()).isEmpty();
        }
        Schema requested = new Schema.Parser().parse(Files.readString(FOLDER.resolve("JobRequested.avsc")));
        assertThat(requested.getField("scheduledFor").schema().getLogicalType().getName()).isEqualTo("timestamp-millis");
        assertThat(requested.getField("trigger").schema().getEnumDefault()).isEqualTo("EXTERNAL");
        assertThat(requested.getField("trigger").defaultVal()).isEqualTo("EXTERNAL");
        assertThat(requested.getField("parameters").schema().getValueType().getObjectProps()).isEmpty();
    }

    @Test
    void fingerprintOfEachShippedFileIsTheOneTheSerializerWrites() throws IOException {
        EventSerializer serializer = new EventSerializer();
        for (SpecificRecord record : List.of(EventCodecTest.request(), started(), EventCodecTest.completed())) {
            byte[] bytes = serializer.serialize(Topics.JOB_EVENTS, record);
            byte[] written = Arrays.copyOf(bytes, 10);
            Schema shipped = new Schema.Parser().parse(Files.readString(FOLDER.resolve(record.getSchema().getName() + ".avsc")));

            assertThat(HexFormat.of().formatHex(PortableSchema.header(shipped))).isEqualTo(HexFormat.of().formatHex(written));
            assertThat(EventSchemas.fingerprint(shipped)).isEqualTo(EventSchemas.fingerprint(record.getSchema()));
            assertThat(Files.readString(FOLDER.resolve("FINGERPRINTS.md")))
                    .contains("| " + PortableSchema.fingerprintHex(shipped) + " |")
                    .contains(HexFormat.ofDelimiter(" ").formatHex(written));
        }
    }

    @Test
    void headerIsTheMarkerAndTheFingerprintLittleEndian() {
        Schema schema = PortableSchema.event("JobRequested");
        long fingerprint = EventSchemas.fingerprint(schema);
        byte[] header = PortableSchema.header(schema);
        assertThat(header).hasSize(10);
        assertThat(header[0]).isEqualTo((byte) 0xC3);
        assertThat(header[1]).isEqualTo((byte) 0x01);
        assertThat(header[2]).isEqualTo((byte) fingerprint);
        assertThat(header[9]).isEqualTo((byte) (fingerprint >>> 56));
        assertThat(PortableSchema.fingerprintHex(schema)).hasSize(16).isEqualTo(Long.toHexString(fingerprint));
        assertThat(PortableSchema.event("JobSomething")).isNull();
    }

    static JobStarted started() {
        return JobStarted.newBuilder().setRunId("backup-database@2025-01-15T00:00:00Z").setJobName("backup-database")
                .setAttempt(1).setStartedAt(T0).setWorker("backup-worker@host:1").setJobType("BACKUP")
                .setDeadline(T0.plusSeconds(60)).build();
    }

    /** The text of {@code avsc/FINGERPRINTS.md}. */
    static String fingerprints() {
        StringBuilder md = new StringBuilder();
        md.append("""
                # Fingerprints of the shipped event schemas

                Generated from the Java classes; do not edit. After changing a schema under `src/main/avro`, regenerate
                this folder with `%s`.

                Every Offsite event on Kafka is Avro single-object encoded: the two bytes `C3 01`, the writer schema's
                CRC-64-AVRO (Rabin) fingerprint as 8 little-endian bytes, then the Avro binary encoding of the record.
                The fingerprint is computed over the schema's *Parsing Canonical Form* as the Avro specification
                defines it: every attribute other than `name`, `type`, `fields`, `symbols`, `items`, `values` and
                `size` is dropped, and a primitive type is written as its bare name (`"long"`, not
                `{"type":"long","logicalType":"timestamp-millis"}`). Some libraries keep such attributes in their
                canonical form and compute another fingerprint; compare yours with the forms below.

                | record | file | fingerprint (hex) | single-object header |
                |---|---|---|---|
                """.formatted(REGENERATE));
        for (Schema schema : PortableSchema.events()) {
            md.append("| `").append(schema.getFullName()).append("` | `").append(schema.getName()).append(".avsc` | ")
                    .append(PortableSchema.fingerprintHex(schema)).append(" | ")
                    .append(HexFormat.ofDelimiter(" ").formatHex(PortableSchema.header(schema))).append(" |\n");
        }
        for (Schema schema : PortableSchema.events()) {
            md.append("\n## ").append(schema.getName()).append(" — Parsing Canonical Form\n\n```json\n")
                    .append(SchemaNormalization.toParsingForm(schema))
                    .append("\n```\n");
        }
        return md.toString();
    }
}
