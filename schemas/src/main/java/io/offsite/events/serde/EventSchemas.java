package io.offsite.events.serde;

import io.offsite.events.serde.EventDecodingException.UnknownSchemaException;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every schema version of every Offsite event, indexed by its 64-bit Rabin fingerprint (the one Avro
 * single-object encoding writes in its header).
 *
 * <p>The current versions come from the generated classes; older released versions are shipped as
 * resources under {@code io/offsite/events/history/} and listed in {@code index.txt}. Keeping every
 * released version is what lets a current consumer read records written by an old producer.
 */
public final class EventSchemas {

    private static final String HISTORY = "/io/offsite/events/history/";
    private static final List<Schema> CURRENT = List.of(
            JobRequested.getClassSchema(), JobStarted.getClassSchema(), JobCompleted.getClassSchema());

    private static final EventSchemas INSTANCE = load();

    private final Map<Long, Schema> byFingerprint;

    private EventSchemas(Map<Long, Schema> byFingerprint) {
        this.byFingerprint = Map.copyOf(byFingerprint);
    }

    public static EventSchemas get() {
        return INSTANCE;
    }

    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /** The writer schema for a fingerprint. */
    public Schema writerSchema(long fingerprint) {
        Schema schema = byFingerprint.get(fingerprint);
        if (schema == null) {
            throw new UnknownSchemaException(fingerprint);
        }
        return schema;
    }

    public boolean knows(long fingerprint) {
        return byFingerprint.containsKey(fingerprint);
    }

    /** The current (reader) schema for a record's full name, e.g. {@code io.offsite.events.v1.JobCompleted}. */
    public Optional<Schema> currentSchema(String fullName) {
        return CURRENT.stream().filter(s -> s.getFullName().equals(fullName)).findFirst();
    }

    private static EventSchemas load() {
        Map<Long, Schema> schemas = new HashMap<>();
        for (Schema schema : CURRENT) {
            schemas.put(fingerprint(schema), schema);
        }
        for (String file : readResource(HISTORY + "index.txt").split("\\R")) {
            String name = file.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            Schema old = new Schema.Parser().parse(readResource(HISTORY + name));
            schemas.put(fingerprint(old), old);
        }
        return new EventSchemas(schemas);
    }

    private static String readResource(String path) {
        try (InputStream in = EventSchemas.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing from the offsite schemas jar: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
