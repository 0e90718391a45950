package io.offsite.replication.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowHashTest {

    static final TableSchema CARDS = new TableSchema("cards", List.of(new Column("id", "TEXT", true), new Column("name", "TEXT", false),
            new Column("hp", "INTEGER", false), new Column("price", "REAL", false)), List.of("id"), Set.of());

    static TablePlan plan(Map<String, String> target) {
        return new TablePlan(CARDS, "public", target, "updated_at", "offsite_stage_0");
    }

    @Test
    void coversTextIntegersAndDoublesOnly() {
        assertThat(RowHash.of(plan(Map.of("id", "text", "name", "text", "hp", "bigint", "price", "double precision")))).isPresent();
        assertThat(RowHash.of(plan(Map.of("id", "text", "name", "text", "hp", "numeric", "price", "double precision")))).isEmpty();
        assertThat(RowHash.of(plan(Map.of("id", "text", "name", "jsonb", "hp", "bigint", "price", "double precision")))).isEmpty();
    }

    @Test
    void javaAndSqlEncodeValuesTheSameWay() {
        RowHash hash = RowHash.of(plan(Map.of("id", "text", "name", "text", "hp", "bigint", "price", "double precision"))).orElseThrow();
        String sql = hash.sql("d");
        assertThat(sql).isEqualTo("md5(concat("
                + "CASE WHEN d.\"name\" IS NULL THEN 'N' ELSE octet_length(d.\"name\"::text)::text || ':' || d.\"name\"::text END, "
                + "CASE WHEN d.\"hp\" IS NULL THEN 'N' ELSE octet_length(d.\"hp\"::text)::text || ':' || d.\"hp\"::text END, "
                + "CASE WHEN d.\"price\" IS NULL THEN 'N' ELSE octet_length(encode(float8send(d.\"price\"), 'hex'))::text || ':' "
                + "|| encode(float8send(d.\"price\"), 'hex') END))");
        String fromString = hash.of(new Object[] {"k", "Pokémon", 120L, 1.5}, 1);
        String fromBytes = hash.of(new Object[] {"k", new Utf8Text("Pokémon".getBytes(StandardCharsets.UTF_8)), 120, 1.5}, 1);
        assertThat(fromBytes).isEqualTo(fromString).hasSize(32);
        assertThat(hash.of(new Object[] {"k", null, 120L, 1.5}, 1)).isNotEqualTo(fromString);
        assertThat(hash.of(new Object[] {"k", "", 120L, 1.5}, 1)).isNotEqualTo(hash.of(new Object[] {"k", null, 120L, 1.5}, 1));
        // lengths count bytes, as octet_length does: "é" is 2 bytes in UTF-8
        assertThat(hash.of(new Object[] {"k", "é", null, null}, 1)).isEqualTo(md5Hex("2:é" + "N" + "N"));
    }

    static String md5Hex(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
