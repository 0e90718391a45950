package io.offsite.events.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.events.serde.EventDecodingException.MalformedEventException;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The structural rules, one by one, on small schemas of every Avro type. */
class EncodedBodyCheckTest {

    private static final Schema ALL = new Schema.Parser().parse("""
            {"type": "record", "name": "All", "namespace": "t", "fields": [
              {"name": "b", "type": "boolean"},
              {"name": "i", "type": "int"},
              {"name": "l", "type": "long"},
              {"name": "f", "type": "float"},
              {"name": "d", "type": "double"},
              {"name": "x", "type": {"type": "fixed", "name": "Three", "size": 3}},
              {"name": "by", "type": "bytes"},
              {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}}
            ]}""");
    private static final Schema NULLS = new Schema.Parser().parse("""
            {"type": "record", "name": "Nulls", "namespace": "t", "fields": [
              {"name": "n", "type": {"type": "array", "items": "null"}}
            ]}""");
    private static final Schema LIST = new Schema.Parser().parse("""
            {"type": "record", "name": "Node", "namespace": "t", "fields": [
              {"name": "next", "type": ["null", "Node"]}
            ]}""");

    /** A valid body of {@link #ALL}. */
    private static Body all() {
        return Body.bare().raw(1).varint(-7).varint(Long.MAX_VALUE).raw(new byte[4]).raw(new byte[8]).raw(1, 2, 3)
                .varint(2).raw(9, 9).varint(1);
    }

    @Test
    void aValidBodyOfEveryTypePasses() {
        assertThatCode(() -> check(ALL, all().bytes())).doesNotThrowAnyException();
    }

    @Test
    void aBooleanIsOneByteZeroOrOne() {
        byte[] body = all().bytes();
        body[0] = 2;
        assertRefused(ALL, body, "malformed t.All body at b: boolean byte is 02, not 00 or 01 (body byte 0 of 31)");
    }

    @Test
    void anIntIsAtMostFiveBytesAndFitsThirtyTwoBits() {
        assertRefused(ALL, Body.bare().raw(1).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x01).bytes(),
                "at i: int varint is longer than 5 bytes");
        assertRefused(ALL, Body.bare().raw(1).raw(0xFF, 0xFF, 0xFF, 0xFF, 0x1F).bytes(), "at i: int varint does not fit 32 bits");
        assertRefused(ALL, Body.bare().raw(1).varint(Integer.MIN_VALUE).varint(0).bytes(),
                "at f: float needs 4 bytes, 0 left"); // the int itself was fine
    }

    @Test
    void aLongIsAtMostTenBytesAndFitsSixtyFourBits() {
        assertRefused(ALL, Body.bare().raw(1).varint(0).raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02).bytes(),
                "at l: long varint does not fit 64 bits");
        assertRefused(ALL, Body.bare().raw(1).varint(0).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).bytes(),
                "at l: long varint does not fit 64 bits"); // its tenth byte goes on
        assertRefused(ALL, Body.bare().raw(1).varint(0).raw(0x80).bytes(), "at l: long varint is cut off by the end of the body");
    }

    @Test
    void floatDoubleAndFixedNeedTheirBytes() {
        assertRefused(ALL, Body.bare().raw(1).varint(0).varint(0).raw(0, 0).bytes(), "at f: float needs 4 bytes, 2 left");
        assertRefused(ALL, Body.bare().raw(1).varint(0).varint(0).raw(new byte[4]).raw(0).bytes(), "at d: double needs 8 bytes, 1 left");
        assertRefused(ALL, Body.bare().raw(1).varint(0).varint(0).raw(new byte[12]).raw(0, 0).bytes(), "at x: fixed needs 3 bytes, 2 left");
    }

    @Test
    void bytesLengthsLieBetweenZeroAndTheBytesLeft() {
        Body upToBytes = Body.bare().raw(1).varint(0).varint(0).raw(new byte[15]);
        assertRefused(ALL, upToBytes.varint(3).raw(0, 0).bytes(), "at by: bytes length 3 is more than the 2 bytes left");
        assertRefused(ALL, Body.bare().raw(1).varint(0).varint(0).raw(new byte[15]).varint(Long.MIN_VALUE).bytes(),
                "at by: bytes length -9223372036854775808 is negative");
    }

    @Test
    void anEnumIndexLiesWithinItsSymbols() {
        byte[] body = all().bytes();
        body[body.length - 1] = 4; // zig-zag 2
        assertRefused(ALL, body, "at e: enum t.E index 2 is outside 0..1");
    }

    @Test
    void aBlockByteSizeMustMatchItsItems() {
        Schema completed = JobCompleted.getClassSchema();
        // stats: one block of 3 bytes ("a" -> 1), end of map; message and scheduledFor null; deletedKeys empty
        byte[] matching = completedUpToStats().varint(-1).varint(3).string("a").varint(1).varint(0).varint(0).varint(0).varint(0).bytes();
        assertThatCode(() -> check(completed, matching)).doesNotThrowAnyException();
        assertRefused(completed, completedUpToStats().varint(-1).varint(4).string("a").varint(1).varint(0).varint(0).varint(0).bytes(),
                "at stats: map block says 4 bytes but its items take 3");
        assertRefused(completed, completedUpToStats().varint(-1).varint(9).string("a").varint(1).varint(0).bytes(),
                "at stats: map block byte size 9 is more than the 4 bytes left");
    }

    @Test
    void aBlockCountOfLongMinHasNoAbsoluteValue() {
        assertRefused(JobCompleted.getClassSchema(), completedUpToStats().varint(Long.MIN_VALUE).varint(0).bytes(),
                "at stats: map block count -9223372036854775808 has no absolute value");
    }

    @Test
    void aBlockCountIsBoundedByTheBytesItsItemsNeed() {
        Schema artifacts = Schema.createArray(Artifact.getClassSchema());
        assertThat(EncodedBodyCheck.minimumSize(Artifact.getClassSchema(), 0)).isEqualTo(7);
        byte[] fourteen = new byte[14]; // two artifacts of empty strings and zero numbers, union branch 0
        assertThatCode(() -> check(artifacts, Body.bare().varint(2).raw(fourteen).varint(0).bytes())).doesNotThrowAnyException();
        assertRefused(artifacts, Body.bare().varint(3).raw(fourteen).varint(0).bytes(),
                "array block claims 3 items but the 15 bytes left hold at most 2");
    }

    @Test
    void itemsThatTakeNoBytesCountAsOneEach() {
        assertThatCode(() -> check(NULLS, Body.bare().varint(1).varint(0).bytes())).doesNotThrowAnyException();
        assertRefused(NULLS, Body.bare().varint(3).varint(0).bytes(),
                "at n: array block claims 3 items but the 1 bytes left hold at most 1");
        assertRefused(NULLS, Body.bare().varint(3).varint(2).varint(1).varint(0).bytes(), "at n: array claims 5 items, more than the 4 bytes from its start to the end");
    }

    @Test
    void valuesNestAtMostSixtyFourDeep() {
        Body deep = Body.bare();
        for (int i = 0; i < 31; i++) { // two levels each: the field, then the union's branch
            deep.varint(1);
        }
        assertThatCode(() -> check(LIST, deep.varint(0).bytes())).doesNotThrowAnyException();
        Body deeper = Body.bare();
        for (int i = 0; i < 100_000; i++) {
            deeper.varint(1);
        }
        assertRefused(LIST, deeper.varint(0).bytes(), "values nest deeper than 64");
    }

    @Test
    void theVarintHookReportsWhereEachVarintStarts() {
        byte[] body = Body.bare().varint(1).varint(300).varint(0).bytes(); // array of one int, 300 takes two bytes
        List<Integer> starts = new ArrayList<>();
        EncodedBodyCheck.check(Schema.createArray(Schema.create(Schema.Type.INT)), body, 0, body.length, starts::add);
        assertThat(starts).containsExactly(0, 1, 3);
    }

    @Test
    void minimumSizesFollowTheEncoding() {
        assertThat(EncodedBodyCheck.minimumSize(ALL, 0)).isEqualTo(1 + 1 + 1 + 4 + 8 + 3 + 1 + 1);
        assertThat(EncodedBodyCheck.minimumSize(JobRequested.getClassSchema(), 0)).isEqualTo(12);
        assertThat(EncodedBodyCheck.minimumSize(LIST, 0)).isEqualTo(1);
    }

    private static Body completedUpToStats() {
        return Body.bare().string("r").string("j").string("BACKUP").varint(1).varint(2).raw(1)
                .varint(0).varint(0).string("w").varint(0).varint(0);
    }

    private static void check(Schema schema, byte[] body) {
        EncodedBodyCheck.check(schema, body, 0, body.length);
    }

    private static void assertRefused(Schema schema, byte[] body, String message) {
        assertThatThrownBy(() -> check(schema, body))
                .isInstanceOfSatisfying(MalformedEventException.class, e -> assertThat(e.reason()).isEqualTo("malformed"))
                .hasMessageContaining(message);
    }
}
