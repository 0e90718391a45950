package io.offsite.worker.process;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The environment a tool (pg_dump, psql, pg_restore) is started with: only what it needs to run, never what this
 * process holds. A {@link ProcessBuilder} copies the whole environment of the JVM by default, which would hand the
 * object store's secret ({@code S3_SECRET_KEY}), Kafka credentials and every other setting to a tool reading input
 * from the bucket. The child gets the search path, the locale, {@code HOME} and {@code TMPDIR} from the parent, and
 * the entries its caller names (a {@code PGPASSWORD} for the one server it talks to); nothing else.
 */
public final class ChildEnvironment {

    /** Variables passed on from this process when set: the search path, locale and time zone, home and temp folders. */
    public static final List<String> INHERITED = List.of("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES",
            "LC_NUMERIC", "LC_TIME", "TZ", "HOME", "TMPDIR");

    /** The search path of a process whose parent has none. */
    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    private ChildEnvironment() {
    }

    /** The environment of a child of a parent whose environment is {@code parent}, with {@code extra} added. */
    public static Map<String, String> of(Map<String, String> parent, Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : INHERITED) {
            String value = parent.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        env.putIfAbsent("PATH", DEFAULT_PATH);
        extra.forEach((name, value) -> {
            if (value != null) {
                env.put(Objects.requireNonNull(name), value);
            }
        });
        return env;
    }

    /**
     * Replaces the environment {@code builder} would pass on (by default a copy of this JVM's) with the minimal one
     * plus {@code extra}; returns the builder.
     */
    public static ProcessBuilder apply(ProcessBuilder builder, Map<String, String> extra) {
        Map<String, String> target = builder.environment();
        Map<String, String> minimal = of(System.getenv(), extra);
        target.clear();
        target.putAll(minimal);
        return builder;
    }
}
