package io.offsite.replication.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TableOrderTest {

    static TableSchema table(String name, String... parents) {
        return new TableSchema(name, List.of(new Column("id", "TEXT", true)), List.of("id"), Set.of(parents));
    }

    @Test
    void parentsComeFirstAndTiesKeepInputOrder() {
        var ordered = TableOrder.parentsFirst(List.of(table("pokemon_cards", "sets"), table("prices", "pokemon_cards"), table("sets"),
                table("artists")));
        assertThat(ordered.tables()).extracting(TableSchema::name).containsExactly("sets", "pokemon_cards", "prices", "artists");
        assertThat(ordered.cyclic()).isEmpty();
    }

    @Test
    void selfReferencesAndUnknownParentsAreIgnored() {
        var ordered = TableOrder.parentsFirst(List.of(table("cards", "cards", "not_replicated"), table("sets")));
        assertThat(ordered.tables()).extracting(TableSchema::name).containsExactly("cards", "sets");
    }

    @Test
    void cyclesAreAppendedAndNamed() {
        var ordered = TableOrder.parentsFirst(List.of(table("a", "b"), table("b", "a"), table("c")));
        assertThat(ordered.tables()).extracting(TableSchema::name).containsExactly("c", "a", "b");
        assertThat(ordered.cyclic()).containsExactly("a", "b");
    }
}
