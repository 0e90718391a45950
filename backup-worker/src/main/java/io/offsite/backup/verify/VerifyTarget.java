package io.offsite.backup.verify;

import io.offsite.backup.config.BackupProperties;
import io.offsite.backup.config.BackupProperties.Source;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a verification request's {@code series} parameter names: a configured source, by its name or by its series
 * folder, or one unit folder ({@code <series>/<database>}) of a source backed up into several. Nothing else: a
 * verification never lists, downloads or writes beside objects that are not a configured source's backups.
 *
 * @param prefix the folder listed, without a trailing slash
 * @param source the configured source it belongs to
 * @param units the unit folders inside {@code prefix} whose backups belong to it (empty: only {@code prefix} itself)
 */
record VerifyTarget(String prefix, String source, List<String> units) {

    VerifyTarget {
        units = List.copyOf(units);
    }

    /**
     * @throws IllegalArgumentException naming the configured series when {@code series} is none of them
     */
    static VerifyTarget resolve(String series, Map<String, Source> sources) {
        String name = series.strip();
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        Source byName = sources.get(name);
        if (byName != null) {
            return new VerifyTarget(byName.series(), name, units(byName));
        }
        for (Map.Entry<String, Source> e : new TreeMap<>(sources).entrySet()) {
            Source source = e.getValue();
            if (name.equals(source.series())) {
                return new VerifyTarget(name, e.getKey(), units(source));
            }
            for (String unit : units(source)) {
                if (name.equals(source.series() + "/" + unit)) {
                    return new VerifyTarget(name, e.getKey(), List.of());
                }
            }
        }
        throw new IllegalArgumentException("series " + quoted(series) + " is not a configured series; configured: " + known(sources));
    }

    static VerifyTarget resolve(String series, BackupProperties properties) {
        return resolve(series, properties.sources());
    }

    /** The unit folders of a source: one per database when a PostgreSQL source dumps several, else none. */
    private static List<String> units(Source source) {
        return source.type() == BackupProperties.SourceType.POSTGRES && source.databases().size() > 1 ? source.databases() : List.of();
    }

    /**
     * Checks a {@code key} parameter: a plain object key in this target's folder (or one of its unit folders).
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    void requireKey(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("..") || key.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("key " + quoted(key) + " is not a backup key (empty, absolute, with '..' or control characters)");
        }
        if (!holds(key)) {
            throw new IllegalArgumentException("key " + quoted(key) + " is not in series '" + prefix + "'");
        }
    }

    /** Whether a key lies directly in this target's folder or in one of its unit folders. */
    boolean holds(String key) {
        if (!key.startsWith(prefix + "/")) {
            return false;
        }
        String rest = key.substring(prefix.length() + 1);
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return !rest.isEmpty();
        }
        return units.contains(rest.substring(0, slash)) && rest.indexOf('/', slash + 1) < 0 && slash + 1 < rest.length();
    }

    static String known(Map<String, Source> sources) {
        TreeSet<String> names = new TreeSet<>();
        sources.forEach((name, source) -> names.add(name + " (" + source.series() + ")"));
        return names.toString();
    }

    String sourceTag() {
        return source;
    }

    /** A request's text in single quotes for a message: control characters escaped, at most 200 characters. */
    static String quoted(String text) {
        StringBuilder out = new StringBuilder("'");
        text.codePoints().limit(200).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append(text.codePointCount(0, text.length()) > 200 ? "...'" : "'").toString();
    }
}
