package io.offsite.replication.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TablePlanTest {

    static final TableSchema SETS = new TableSchema("sets", List.of(
            new Column("id", "TEXT", false), new Column("name", "TEXT", true), new Column("total", "INTEGER", false),
            new Column("updated_at", "TEXT", true)), List.of("id"), Set.of());

    static TablePlan plan(TableSchema table, Map<String, String> target) {
        return new TablePlan(table, "public", target, "updated_at", "offsite_stage_0");
    }

    @Test
    void createsAMissingTableWithMappedTypesAndAManagedTouchColumn() {
        assertThat(plan(SETS, Map.of()).createTableSql()).isEqualTo("""
                CREATE TABLE IF NOT EXISTS "public"."sets" (
                  "id" text NOT NULL,
                  "name" text NOT NULL,
                  "total" bigint,
                  "updated_at" timestamptz NOT NULL DEFAULT now(),
                  PRIMARY KEY ("id")
                )""");
    }

    @Test
    void upsertInsertsNewRowsAndRewritesOnlyChangedOnes() {
        assertThat(plan(SETS, Map.of()).upsertSql()).isEqualTo("""
                WITH written AS (
                  INSERT INTO "public"."sets" AS t ("id", "name", "total", "updated_at")
                  SELECT s."id", s."name", s."total", now()
                  FROM "offsite_stage_0" s
                  LEFT JOIN LATERAL (SELECT x."id", x."name", x."total" FROM "public"."sets" x WHERE x."id" = s."id" OFFSET 0) d ON true
                  WHERE d."id" IS NULL OR ROW(d."name", d."total") IS DISTINCT FROM ROW(s."name", s."total")
                  ON CONFLICT ("id") DO UPDATE SET "name" = EXCLUDED."name", "total" = EXCLUDED."total", "updated_at" = now()
                  WHERE ROW(t."name", t."total") IS DISTINCT FROM ROW(EXCLUDED."name", EXCLUDED."total")
                  RETURNING (xmax = 0) AS inserted
                )
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written""");
    }

    @Test
    void smallUnitsUpsertFromParametersCastToTheColumnTypesWithoutModifiers() {
        String sql = plan(SETS, Map.of()).upsertValuesSql(2, Map.of("id", "text", "name", "character varying", "total", "bigint"));
        assertThat(sql).startsWith("""
                WITH s ("id", "name", "total") AS (VALUES (CAST(? AS text), CAST(? AS character varying), CAST(? AS bigint)), \
                (CAST(? AS text), CAST(? AS character varying), CAST(? AS bigint))),
                written AS (
                  INSERT INTO "public"."sets" AS t ("id", "name", "total", "updated_at")
                  SELECT s."id", s."name", s."total", now()
                  FROM s
                  LEFT JOIN LATERAL (SELECT x."id", x."name", x."total" FROM "public"."sets" x WHERE x."id" = s."id" OFFSET 0) d ON true
                """);
        assertThat(sql).endsWith(plan(SETS, Map.of()).upsertSql().substring(plan(SETS, Map.of()).upsertSql().indexOf("  WHERE d.")));
        assertThatThrownBy(() -> plan(SETS, Map.of()).upsertValuesSql(1, Map.of("id", "text"))).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aKeyOnlyTableDoesNothingOnConflict() {
        TableSchema tags = new TableSchema("card_tags", List.of(new Column("card_id", "TEXT", true), new Column("tag", "TEXT", true)),
                List.of("card_id", "tag"), Set.of());
        String sql = plan(tags, Map.of()).upsertSql();
        assertThat(sql).contains("ON CONFLICT (\"card_id\", \"tag\") DO NOTHING").doesNotContain("IS DISTINCT FROM");
        assertThat(sql).contains("x.\"card_id\" = s.\"card_id\" AND x.\"tag\" = s.\"tag\"");
    }

    @Test
    void identifiersAreQuotedWhateverTheyContain() {
        TableSchema odd = new TableSchema("we\"ird; DROP TABLE x", List.of(new Column("i\"d", "TEXT", true)), List.of("i\"d"), Set.of());
        TablePlan plan = new TablePlan(odd, "my schema", Map.of(), "updated_at", "offsite_stage_1");
        assertThat(plan.target()).isEqualTo("\"my schema\".\"we\"\"ird; DROP TABLE x\"");
        assertThat(plan.copyIntoStageSql()).isEqualTo("COPY \"offsite_stage_1\" (\"i\"\"d\") FROM STDIN");
        assertThat(plan.sourceSelectSql(Optional.empty())).isEqualTo("SELECT \"i\"\"d\" FROM \"we\"\"ird; DROP TABLE x\"");
        assertThatThrownBy(() -> Sql.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void columnsOnOneSideOnlyAreReportedAndNotCopied() {
        Map<String, String> target = new LinkedHashMap<>();
        target.put("id", "text");
        target.put("name", "text");
        target.put("owner_note", "text");
        target.put("updated_at", "timestamp with time zone");
        TablePlan plan = plan(SETS, target);
        assertThat(plan.columns()).containsExactly("id", "name");
        assertThat(plan.sourceOnlyColumns()).containsExactly("total");
        assertThat(plan.targetOnlyColumns()).containsExactly("owner_note");
        assertThat(plan.needsTouchColumn()).isFalse();
        assertThat(plan.sourceHasTouchColumn()).isTrue();
    }

    @Test
    void anExistingTargetWithoutTheTouchColumnGetsIt() {
        TablePlan plan = plan(SETS, Map.of("id", "text", "name", "text", "total", "bigint"));
        assertThat(plan.needsTouchColumn()).isTrue();
        assertThat(plan.addTouchColumnSql())
                .isEqualTo("ALTER TABLE \"public\".\"sets\" ADD COLUMN IF NOT EXISTS \"updated_at\" timestamptz NOT NULL DEFAULT now()");
        assertThat(plan(SETS, Map.of("name", "text")).missingKeyColumns()).containsExactly("id");
    }

    @Test
    void incrementalReadsFilterOnTheWatermarkAsAParameter() {
        TablePlan plan = plan(SETS, Map.of());
        assertThat(plan.sourceSelectSql(Optional.of("updated_at")))
                .isEqualTo("SELECT \"id\", \"name\", \"total\" FROM \"sets\" WHERE \"updated_at\" >= ?");
        assertThat(plan.sourceExtentSql(Optional.of("updated_at"), Optional.of("updated_at")))
                .isEqualTo("SELECT count(*) FILTER (WHERE \"updated_at\" >= ?), max(\"updated_at\") FROM \"sets\"");
        assertThat(plan.sourceExtentSql(Optional.empty(), Optional.empty())).isEqualTo("SELECT count(*), NULL FROM \"sets\"");
        assertThat(plan.deleteMissingSql()).isEqualTo("DELETE FROM \"public\".\"sets\" t WHERE NOT EXISTS "
                + "(SELECT 1 FROM \"offsite_stage_0_keys\" k WHERE k.\"id\" = t.\"id\")");
    }

    @Test
    void targetRowsAreLookedUpByKeysGivenAsArraysAndPrintedAsText() {
        TableSchema attacks = new TableSchema("attacks", List.of(new Column("card_id", "TEXT", true), new Column("slot", "INTEGER", true),
                new Column("damage", "REAL", false)), List.of("card_id", "slot"), Set.of());
        Map<String, String> types = Map.of("card_id", "character varying", "slot", "bigint", "damage", "double precision");
        assertThat(plan(attacks, Map.of()).targetRowsSql(types)).isEqualTo("""
                SELECT k.ord, CAST(x."card_id" AS text), CAST(x."slot" AS text), CAST(x."damage" AS text)
                FROM unnest(CAST(? AS text[]), CAST(? AS text[])) WITH ORDINALITY AS k(key1, key2, ord)
                CROSS JOIN LATERAL (SELECT "card_id", "slot", "damage" FROM "public"."attacks" t \
                WHERE t."card_id" = CAST(k.key1 AS character varying) AND t."slot" = CAST(k.key2 AS bigint) OFFSET 0) x""");
    }

    @Test
    void aTableWithoutPrimaryKeyCannotBePlanned() {
        TableSchema log = new TableSchema("log", List.of(new Column("line", "TEXT", false)), List.of(), Set.of());
        assertThatThrownBy(() -> plan(log, Map.of())).hasMessageContaining("no primary key");
    }
}
