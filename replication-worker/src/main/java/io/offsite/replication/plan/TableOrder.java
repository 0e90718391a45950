package io.offsite.replication.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Orders tables so that every table comes after the tables its foreign keys reference (parents first). Ties keep
 * the input order; references to tables outside the set and self-references are ignored. Tables caught in a
 * reference cycle are appended in input order and named in {@link Ordered#cyclic()}.
 */
public final class TableOrder {

    public record Ordered(List<TableSchema> tables, List<String> cyclic) {
        public Ordered {
            tables = List.copyOf(tables);
            cyclic = List.copyOf(cyclic);
        }
    }

    private TableOrder() {
    }

    public static Ordered parentsFirst(List<TableSchema> tables) {
        Map<String, TableSchema> remaining = new LinkedHashMap<>();
        tables.forEach(t -> remaining.put(t.name(), t));
        List<TableSchema> ordered = new ArrayList<>();
        boolean progress = true;
        while (!remaining.isEmpty() && progress) {
            progress = false;
            for (TableSchema table : List.copyOf(remaining.values())) {
                boolean ready = table.parents().stream()
                        .noneMatch(p -> !p.equals(table.name()) && remaining.containsKey(p));
                if (ready) {
                    ordered.add(table);
                    remaining.remove(table.name());
                    progress = true;
                    break;
                }
            }
        }
        List<String> cyclic = remaining.values().stream().map(TableSchema::name).toList();
        ordered.addAll(remaining.values());
        return new Ordered(ordered, cyclic);
    }
}
