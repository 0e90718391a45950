package io.offsite.replication.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RowMatchTest {

    private static byte[][] printed(String... values) {
        byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] == null ? null : values[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    private static boolean same(Object[] source, boolean[] float8, String... printed) {
        return RowMatch.same(CopyText.row(source), printed(printed), float8);
    }

    @Test
    void aRowPrintedAsItWasSentIsTheSameEscapesAndNullsIncluded() {
        Object[] row = {7L, "tab\there, line\nend \\ ok", null, new byte[] {0, (byte) 0xff}, "Pokémon"};
        boolean[] none = new boolean[5];
        assertThat(same(row, none, "7", "tab\there, line\nend \\ ok", null, "\\x00ff", "Pokémon")).isTrue();
    }

    @Test
    void anyDifferenceInAnyColumnMeansTheRowIsSent() {
        Object[] row = {7L, "a", null};
        boolean[] none = new boolean[3];
        assertThat(same(row, none, "8", "a", null)).isFalse();
        assertThat(same(row, none, "7", "b", null)).isFalse();
        assertThat(same(row, none, "7", "a", "")).as("empty text is not NULL").isFalse();
        assertThat(same(row, none, "7", "a", "\\N")).as("the text \\N is not NULL").isFalse();
        assertThat(same(new Object[] {7L, "a", ""}, none, "7", "a", null)).isFalse();
        assertThat(same(row, none, "7", "a ", null)).isFalse();
    }

    @Test
    void textThatDiffersProvesNothingSoTheRowIsSentEvenWhenTheValueMayBeEqual() {
        // a numeric(8,2) holding 1.5 prints 1.50; the upsert, comparing values, leaves such a row alone
        assertThat(same(new Object[] {1L, 1.5}, new boolean[2], "1", "1.50")).isFalse();
    }

    @Test
    void doublePrecisionColumnsCompareAsNumbersWhenSpeltOtherwise() {
        boolean[] price = {false, true};
        assertThat(same(new Object[] {1L, 332.0}, price, "1", "332")).isTrue();
        assertThat(same(new Object[] {1L, -1.0E-300}, price, "1", "-1e-300")).isTrue();
        assertThat(same(new Object[] {1L, Double.MIN_VALUE}, price, "1", "5e-324")).isTrue();
        assertThat(same(new Object[] {1L, 0.1}, price, "1", "0.10000000000000001")).as("17 digits, as before PostgreSQL 12").isTrue();
        assertThat(same(new Object[] {1L, Double.NaN}, price, "1", "NaN")).isTrue();
        assertThat(same(new Object[] {1L, 332.0}, price, "1", "332.00000000000006")).isFalse();
        assertThat(same(new Object[] {1L, 0.0}, price, "1", "-0")).as("-0 is a value of its own").isFalse();
        assertThat(same(new Object[] {1L, 332.0}, price, "1", null)).isFalse();
        assertThat(same(new Object[] {1L, null}, price, "1", "0")).isFalse();
        assertThat(same(new Object[] {2L, 332.0}, price, "1", "332")).as("other columns still compare as text").isFalse();
    }

    @Test
    void onlyNumbersBothSidesWouldSpellAlikeCountAsNumbers() {
        boolean[] price = {false, true};
        // Java reads 5.17d and 0x1p3 as numbers; PostgreSQL does not, so a source holding such text must travel and fail there
        assertThat(same(new Object[] {1L, "5.17d"}, price, "1", "5.17")).isFalse();
        assertThat(same(new Object[] {1L, "0x1p3"}, price, "1", "8")).isFalse();
        assertThat(same(new Object[] {1L, " 8"}, price, "1", "8")).isFalse();
        assertThat(same(new Object[] {1L, "8.", }, price, "1", "8")).isTrue();
    }

    private static byte[] copyLine(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aRowAsCopyPrintedItComparesTheSameWay() {
        boolean[] price = {false, false, true};
        byte[] line = CopyText.row(new Object[] {"set1-1", "tab\there", 332.0});
        assertThat(RowMatch.same(line, copyLine("set1-1\ttab\\there\t332\n"), price)).isTrue();
        assertThat(RowMatch.same(line, copyLine("set1-1\ttab\\there\t332.5\n"), price)).isFalse();
        assertThat(RowMatch.same(line, copyLine("set1-1\ttab\\there\t\\N\n"), price)).isFalse();
        assertThat(RowMatch.same(line, copyLine("set1-1\ttab\\there\n"), price)).isFalse();
        assertThat(RowMatch.same(CopyText.row(new Object[] {"a", null, null}), copyLine("a\t\\N\t\\N\n"), price)).isTrue();
        // COPY TO also escapes backspace; this side sends it raw, so the row travels and the upsert compares values
        assertThat(RowMatch.same(CopyText.row(new Object[] {"a", "\b", 1.0}), copyLine("a\t\\b\t1\n"), price)).isFalse();
    }

    @Test
    void aLineWithMoreOrFewerFieldsIsNotTheSame() {
        boolean[] price = {false, true};
        assertThat(RowMatch.same(CopyText.row(new Object[] {1L, 2.0, 3L}), printed("1", "2"), price)).isFalse();
        assertThat(RowMatch.same(CopyText.row(new Object[] {1L}), printed("1", "2"), price)).isFalse();
    }
}
