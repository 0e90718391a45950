package io.offsite.backup.verify;

import io.offsite.backup.config.BackupProperties;
import io.offsite.backup.config.BackupProperties.Source;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * What a verification request's {@code series} parameter names: a configured source (by name or by its series) or
 * a key prefix of the bucket.
 *
 * @param prefix the folder listed, without a trailing slash
 * @param source the configured source it belongs to, if any
 */
record VerifyTarget(String prefix, Optional<String> source) {

    static VerifyTarget resolve(String series, Map<String, Source> sources) {
        String name = series.strip();
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.startsWith("/") || name.contains("..") || name.startsWith("_incoming")) {
            throw new IllegalArgumentException("series '" + series + "' is not a series name or key prefix; configured series: " + known(sources));
        }
        Source byName = sources.get(name);
        if (byName != null) {
            return new VerifyTarget(byName.series(), Optional.of(name));
        }
        for (Map.Entry<String, Source> e : new java.util.TreeMap<>(sources).entrySet()) {
            String own = e.getValue().series();
            if (name.equals(own) || name.startsWith(own + "/")) {
                return new VerifyTarget(name, Optional.of(e.getKey()));
            }
        }
        return new VerifyTarget(name, Optional.empty());
    }

    static String known(Map<String, Source> sources) {
        TreeSet<String> names = new TreeSet<>();
        sources.forEach((name, source) -> names.add(name + " (" + source.series() + ")"));
        return names.toString();
    }

    String sourceTag() {
        return source.orElse("unknown");
    }

    static VerifyTarget resolve(String series, BackupProperties properties) {
        return resolve(series, properties.sources());
    }
}
