package io.offsite.events.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import io.offsite.events.serde.EventDecodingException.EventTooLargeException;
import io.offsite.events.serde.EventDecodingException.MalformedEventException;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Each rule that keeps decoding total and bounded, with the record that breaks it. */
class EventCodecRulesTest {

    private static final Schema STARTED = JobStarted.getClassSchema();
    private static final Schema COMPLETED = JobCompleted.getClassSchema();
    private static final Schema REQUESTED = JobRequested.getClassSchema();

    private final EventCodec codec = new EventCodec();

    @Test
    void theFifteenByteBombIsMalformedAndNamesTheField() {
        byte[] bomb = HexFormat.of().parseHex("c3016dfbd6f124d953f88080808010");
        assertThat(EventSchemas.get().writerSchema(0xf853d924f1d6fb6dL).getFullName()).isEqualTo(STARTED.getFullName());

        assertThatThrownBy(() -> codec.decode(bomb))
                .isInstanceOfSatisfying(MalformedEventException.class, e -> assertThat(e.reason()).isEqualTo("malformed"))
                .hasMessageContaining("io.offsite.events.v1.JobStarted body at runId")
                .hasMessageContaining("string length 2147483648 is more than the 0 bytes left");
    }

    @Test
    void aHugeArrayCountIsRefusedBeforeAnythingIsAllocated() {
        byte[] record = completedUpToArtifacts().varint(500_000_000).varint(0).varint(0).raw(0, 0).bytes();

        assertRefusedCheaply(() -> codec.decode(record));
        assertThatThrownBy(() -> codec.decode(record))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("at artifacts")
                .hasMessageContaining("array block claims 500000000 items but the 4 bytes left hold at most 0");
    }

    @Test
    void aHugeMapCountIsRefused() {
        byte[] record = requestedUpToParameters().varint(-250_000_000).varint(4).string("a").string("b").varint(0).bytes();

        assertRefusedCheaply(() -> codec.decode(record));
        assertThatThrownBy(() -> codec.decode(record))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("io.offsite.events.v1.JobRequested body at parameters")
                .hasMessageContaining("map block claims 250000000 items but the 4 bytes left hold at most 2");
    }

    @Test
    void aHugeStringIsRefusedBeforeAnythingIsAllocated() {
        byte[] record = Body.of(STARTED).varint(1_900_000_000).raw(new byte[20]).bytes();

        assertRefusedCheaply(() -> codec.decode(record));
        assertThatThrownBy(() -> codec.decode(record))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("at runId: string length 1900000000 is more than the 20 bytes left");
    }

    @Test
    void aNegativeLengthIsRefused() {
        byte[] record = Body.of(STARTED).string("r").varint(-1).raw(new byte[10]).bytes();

        assertThatThrownBy(() -> codec.decode(record))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("at jobName: string length -1 is negative (body byte 2 of 13)");
    }

    @Test
    void trailingBytesAreRefusedCountingThem() {
        byte[] good = codec.encode(EventCodecTest.request());
        byte[] longer = Arrays.copyOf(good, good.length + 3);

        assertThatThrownBy(() -> codec.decode(longer))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("malformed io.offsite.events.v1.JobRequested body: 3 trailing bytes after the record");
    }

    @Test
    void aUnionIndexOutOfRangeIsRefused() {
        byte[] record = Body.of(STARTED).string("r").string("j").varint(1).varint(0).string("w").varint(2).bytes();

        assertThatThrownBy(() -> codec.decode(record))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("at jobType: union index 2 is outside 0..1 [null, string]");
        byte[] negative = Body.of(STARTED).string("r").string("j").varint(1).varint(0).string("w").varint(-1).bytes();
        assertThatThrownBy(() -> codec.decode(negative))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("at jobType: union index -1 is outside 0..1");
    }

    @Test
    void anEnumIndexOutOfRangeIsRefused() {
        byte[] record = Body.of(COMPLETED).string("r").string("j").string("BACKUP").varint(1).varint(6).bytes();

        assertThatThrownBy(() -> codec.decode(record))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("at status: enum io.offsite.events.v1.JobStatus index 6 is outside 0..5");
    }

    @Test
    void aRecordCutShortIsRefusedNamingTheFieldItStopsIn() {
        byte[] good = codec.encode(EventCodecTest.completed());
        byte[] cut = Arrays.copyOf(good, good.length - 2); // the empty deletedKeys' count and scheduledFor's last byte

        assertThatThrownBy(() -> codec.decode(cut))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("at scheduledFor: long varint is cut off by the end of the body");
        assertThatThrownBy(() -> codec.decode(Arrays.copyOf(good, good.length - 1)))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("at deletedKeys: block count varint is cut off by the end of the body");
    }

    @Test
    void aRecordAboveTheSizeCapIsNotRead() {
        byte[] huge = new byte[EventCodec.MAX_EVENT_BYTES + 1];
        huge[0] = (byte) 0xC3;
        huge[1] = 0x01;

        assertThatThrownBy(() -> codec.decode(huge))
                .isInstanceOfSatisfying(EventTooLargeException.class, e -> {
                    assertThat(e.reason()).isEqualTo("too-large");
                    assertThat(e.size()).isEqualTo(EventCodec.MAX_EVENT_BYTES + 1);
                })
                .hasMessageContaining("record of 1048577 bytes is larger than the 1048576 bytes");
    }

    @Test
    void aRecordAtTheSizeCapIsRead() {
        JobCompleted big = JobCompleted.newBuilder(EventCodecTest.completed()).setMessage("").build();
        int room = EventCodec.MAX_EVENT_BYTES - codec.encode(big).length;
        big.setMessage("m".repeat(room - 2)); // the length varint grows from 1 to 3 bytes

        byte[] bytes = codec.encode(big);

        assertThat(bytes).hasSize(EventCodec.MAX_EVENT_BYTES);
        assertThat(codec.decode(bytes)).isEqualTo(big);
    }

    @Test
    void blockEncodedArraysAndMapsWithByteSizesDecode() throws Exception {
        JobCompleted completed = EventCodecTest.completed();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Arrays.copyOf(codec.encode(completed), EventCodec.HEADER_LENGTH));
        BinaryEncoder blocking = EncoderFactory.get().blockingBinaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(COMPLETED).write(completed, blocking);
        blocking.flush();
        byte[] blocked = out.toByteArray();

        assertThat(blocked).isNotEqualTo(codec.encode(completed));
        assertThat(codec.decode(blocked)).isEqualTo(completed);
    }

    /** Every field of a JobCompleted before {@code artifacts}. */
    private static Body completedUpToArtifacts() {
        return Body.of(COMPLETED).string("r").string("j").string("BACKUP").varint(1).varint(2).raw(1)
                .varint(0).varint(0).string("w").varint(0);
    }

    /** Every field of a JobRequested before {@code parameters}. */
    private static Body requestedUpToParameters() {
        return Body.of(REQUESTED).string("r").string("j").string("BACKUP").varint(1).varint(1).varint(0)
                .varint(0).varint(0).varint(0).varint(0).varint(0);
    }

    /** The decode fails, and allocates less than 64 KiB on the way (a preallocated array would take gigabytes). */
    private static void assertRefusedCheaply(ThrowingCallable decode) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThatThrownBy(decode).isInstanceOf(MalformedEventException.class); // warm up
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(decode).isInstanceOf(MalformedEventException.class);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("bytes allocated while refusing the record").isLessThan(64 * 1024);
    }
}
