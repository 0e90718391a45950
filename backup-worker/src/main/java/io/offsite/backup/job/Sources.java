package io.offsite.backup.job;

import io.offsite.backup.config.BackupProperties;
import io.offsite.backup.config.BackupProperties.Source;
import io.offsite.backup.source.SnapshotSource;
import io.offsite.backup.source.SqliteSource;
import io.offsite.worker.job.JobRejectedException;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/** The configured sources by name. A request names one; anything else is rejected. */
@Component
class Sources {

    private final BackupProperties properties;

    Sources(BackupProperties properties) {
        this.properties = properties;
    }

    Source config(String name) {
        Source source = properties.sources().get(name);
        if (source == null) {
            throw new JobRejectedException("UNKNOWN_SOURCE", "unknown source '" + name + "'; configured sources: "
                    + new TreeSet<>(properties.sources().keySet()));
        }
        return source;
    }

    SnapshotSource open(String name) {
        Source source = config(name);
        return switch (source.type()) {
            case SQLITE -> new SqliteSource(name, source.path(), properties.tempDir(), properties.tempReserveBytes());
            case POSTGRES -> throw new JobRejectedException("UNSUPPORTED_SOURCE", "source '" + name + "' is a PostgreSQL source, which this worker version cannot back up yet");
        };
    }
}
