package io.offsite.backup.job;

import io.offsite.backup.compress.Compression;
import io.offsite.backup.compress.CompressionSettings;
import io.offsite.backup.config.BackupProperties;
import io.offsite.backup.config.BackupProperties.Source;
import io.offsite.backup.source.PostgresSource;
import io.offsite.backup.source.SnapshotSource;
import io.offsite.backup.source.SqliteSource;
import io.offsite.backup.temp.TempSpaces;
import io.offsite.worker.job.JobRejectedException;
import io.offsite.backup.crypt.AgeRecipients;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.stereotype.Component;

/** The configured sources by name. A request names one; anything else is rejected. */
@Component
class Sources {

    private final BackupProperties properties;
    private final TempSpaces temp;
    /** The recipients of each source that encrypts (its own setting, else the global one), checked once at start. */
    private final Map<String, AgeRecipients> recipients = new HashMap<>();

    /**
     * @throws IllegalStateException when an encryption setting (global or a source's) is not a list of age recipients:
     *                               the worker does not start, rather than find out at the first backup or run with a
     *                               private key in its configuration
     */
    Sources(BackupProperties properties, TempSpaces temp) {
        this.properties = properties;
        this.temp = temp;
        Optional<AgeRecipients> global = recipientsOf("offsite.backup.encryption", properties.encryption());
        for (String name : new TreeSet<>(properties.sources().keySet())) {
            BackupProperties.Encryption own = properties.sources().get(name).encryption();
            Optional<AgeRecipients> resolved = own != null ? recipientsOf("offsite.backup.sources." + name + ".encryption", own) : global;
            resolved.ifPresent(r -> recipients.put(name, r));
        }
    }

    private static Optional<AgeRecipients> recipientsOf(String property, BackupProperties.Encryption setting) {
        if (!setting.enabled()) {
            return Optional.empty();
        }
        try {
            return Optional.of(AgeRecipients.of(setting.recipients()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + ": " + e.getMessage());
        }
    }

    Source config(String name) {
        Source source = properties.sources().get(name);
        if (source == null) {
            throw new JobRejectedException("UNKNOWN_SOURCE", "unknown source '" + name + "'; configured sources: "
                    + new TreeSet<>(properties.sources().keySet()));
        }
        return source;
    }

    /** The compression of a source: format, level (the format's default when 0) and one thread per processor. */
    CompressionSettings compression(String name) {
        Source source = config(name);
        try {
            Compression format = Compression.fromId(source.compression());
            int level = source.level() == 0 ? format.defaultLevel() : source.level();
            return new CompressionSettings(format, level, Runtime.getRuntime().availableProcessors());
        } catch (IllegalArgumentException e) {
            throw new JobRejectedException("INVALID_SOURCE", "source '" + name + "': " + e.getMessage());
        }
    }

    /** The age recipients a source's backups are encrypted to: its own setting, else the global one; empty: in clear. */
    Optional<AgeRecipients> encryption(String name) {
        config(name);
        return Optional.ofNullable(recipients.get(name));
    }

    SnapshotSource open(String name) {
        Source source = config(name);
        return switch (source.type()) {
            case SQLITE -> new SqliteSource(name, source.path(), temp.in(properties.tempDir()), properties.tempReserveBytes());
            case POSTGRES -> {
                BackupProperties.Postgres defaults = properties.postgres();
                PostgresSource.Connection connection = new PostgresSource.Connection(
                        source.host() != null ? source.host() : defaults.host(),
                        source.port() != null ? source.port() : defaults.port(),
                        source.user() != null ? source.user() : defaults.user(),
                        source.password() != null ? source.password() : defaults.password());
                PostgresSource.Format format = switch (source.format().toLowerCase(java.util.Locale.ROOT)) {
                    case "custom" -> PostgresSource.Format.CUSTOM;
                    case "plain" -> PostgresSource.Format.PLAIN;
                    default -> throw new JobRejectedException("INVALID_SOURCE", "source '" + name + "' has format '" + source.format()
                            + "'; use custom or plain");
                };
                List<String> databases = source.databases().isEmpty() && defaults.database() != null
                        ? List.of(defaults.database()) : source.databases();
                if (databases.isEmpty()) {
                    throw new JobRejectedException("INVALID_SOURCE", "PostgreSQL source '" + name + "' lists no databases and no default"
                            + " database is set (POSTGRES_DB or offsite.backup.postgres.database)");
                }
                yield new PostgresSource(name, connection, databases, format,
                        source.pgDumpPath() != null ? source.pgDumpPath() : defaults.pgDumpPath(), defaults.lockWaitTimeout());
            }
        };
    }
}
