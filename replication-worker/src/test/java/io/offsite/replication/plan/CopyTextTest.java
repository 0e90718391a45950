package io.offsite.replication.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyTextTest {

    static String row(Object... values) {
        return new String(CopyText.row(values), StandardCharsets.UTF_8);
    }

    @Test
    void escapesWhatCopyTextFormatReserves() {
        assertThat(row("a\tb", "line1\nline2\r", "back\\slash", null, 42L, 1.5, "Pokémon"))
                .isEqualTo("a\\tb\tline1\\nline2\\r\tback\\\\slash\t\\N\t42\t1.5\tPokémon\n");
    }

    @Test
    void blobsTravelAsByteaHexAndSpecialDoublesAsPostgresSpellsThem() {
        assertThat(row(new byte[] {0, 15, (byte) 255}, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY))
                .isEqualTo("\\\\x000fff\tNaN\tInfinity\t-Infinity\n");
    }

    @Test
    void rawUtf8TextIsEscapedByteForByteLikeAString() {
        String text = "Pokémon\tÉvoli\\ 🐉\n";
        assertThat(row(new Utf8Text(text.getBytes(StandardCharsets.UTF_8)), 7)).isEqualTo(row(text, 7L));
        assertThat(new Utf8Text("set3-17".getBytes(StandardCharsets.UTF_8))).hasToString("set3-17");
    }

    @Test
    void reservedCharactersAtEitherEndOrInARowAreEscapedAndLongValuesFit() {
        assertThat(row(utf8("\\\t\n\r"), utf8(""), utf8("\\"), utf8("end\\"), utf8("\tstart")))
                .isEqualTo("\\\\\\t\\n\\r\t\t\\\\\tend\\\\\t\\tstart\n");
        String tabs = "\t".repeat(10_000);
        assertThat(row(utf8(tabs), utf8("x".repeat(70_000)))).isEqualTo("\\t".repeat(10_000) + "\t" + "x".repeat(70_000) + "\n");
    }

    @Test
    void fieldsReadBackWhatRowWrote() throws Exception {
        Object[] values = {"a\tb\\c\nd\re", null, "\\N", "", 42L, "Pokémon 🐉", new byte[] {0, (byte) 0xff}};
        assertThat(CopyText.fields(CopyText.row(values))).containsExactly("a\tb\\c\nd\re", null, "\\N", "", "42", "Pokémon 🐉", "\\x00ff");
        assertThat(CopyText.fields(CopyText.row(new Object[] {""}))).containsExactly("");
        assertThatThrownBy(() -> CopyText.fields(CopyText.row(new Object[] {new Utf8Text(new byte[] {'a', (byte) 0xc3})})))
                .isInstanceOf(java.nio.charset.CharacterCodingException.class);
    }

    static Utf8Text utf8(String s) {
        return new Utf8Text(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keysAreDescribedShortly() {
        assertThat(CopyText.describeKey(List.of("id"), new Object[] {"set3-17", "ignored"})).isEqualTo("id=set3-17");
        assertThat(CopyText.describeKey(List.of("a", "b"), new Object[] {1, "x".repeat(100)})).isEqualTo("a=1, b=" + "x".repeat(80) + "...");
    }

    @Test
    void fieldsEndAtTheirTabOrTheLineEndAndEscapedTabsStayInside() {
        byte[] line = CopyText.row(new Object[] {"set1\t1", 7L, "rest"});
        assertThat(CopyText.fieldEnd(line, 0)).isEqualTo("set1\\t1".length());
        assertThat(CopyText.fieldsEnd(line, 1)).isEqualTo("set1\\t1".length());
        assertThat(CopyText.fieldsEnd(line, 2)).isEqualTo("set1\\t1\t7".length());
        assertThat(CopyText.fieldsEnd(line, 3)).as("the last field ends at the newline").isEqualTo(line.length - 1);
        assertThat(CopyText.fieldsEnd(CopyText.row(new Object[] {42L}), 1)).isEqualTo(2);
    }

    @Test
    void aValuesTextIsWhatItsFieldCarriesUnescaped() {
        assertThat(CopyText.text(new byte[] {0, 15, (byte) 255})).isEqualTo("\\x000fff");
        assertThat(CopyText.text(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
        assertThat(CopyText.text(new Utf8Text("a\tb".getBytes(StandardCharsets.UTF_8)))).isEqualTo("a\tb");
        assertThat(CopyText.text(null)).isNull();
    }
}
