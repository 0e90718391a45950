package io.offsite.launcher;

import io.offsite.backup.catalog.BackupCatalog;
import io.offsite.backup.readback.PgConnection;
import io.offsite.backup.readback.PgPass;
import io.offsite.backup.readback.PostgresTools;
import io.offsite.backup.readback.Report;
import io.offsite.backup.readback.RestoreException;
import io.offsite.backup.crypt.AgeIdentity;
import io.offsite.backup.restore.Restorer;
import io.offsite.backup.restore.Restorer.Selection;
import io.offsite.worker.artifact.StoredBackup;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageException;
import io.offsite.worker.storage.StorageProperties;
import java.net.URI;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code offsite restore}: picks a backup, checks it, keeps the current database as a safety copy and replaces it.
 * The work is done by {@link Restorer}; this class reads the command line and the environment.
 */
@Command(name = "restore", header = "check a backup and restore it into SQLite or PostgreSQL, keeping the current database",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check a backup (checksum, integrity) and restore it into a SQLite file or a PostgreSQL database; the current",
                "database is kept first (SQLite: <name>.pre-restore-<instant>; PostgreSQL: a dump in --safety-dir).",
                "The PostgreSQL password: --password-file, else PGPASSWORD, else ~/.pgpass (PGPASSFILE); a password in the URL is visible in ps.",
                "The bucket: S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET (local defaults).",
                "Exit status: 0 restored, 1 not restored (bad backup, unreachable bucket or database), 2 wrong command line."})
final class RestoreCommand implements Callable<Integer> {

    @Option(names = "--series", paramLabel = "S", description = "the series to restore from (default: " + DEFAULT_SERIES + ")")
    String series;

    @Option(names = "--key", paramLabel = "K", description = "this backup (its key in the bucket)")
    String key;

    @Option(names = "--latest", description = "the newest backup (the default)")
    boolean latest;

    @Option(names = "--as-of", paramLabel = "INSTANT", description = "the newest backup not newer than INSTANT (2025-01-15T00:00:00Z)")
    String asOf;

    @Option(names = "--to", paramLabel = "PATH", description = "restore into this SQLite file")
    Path to;

    @Option(names = "--to-postgres", paramLabel = "JDBC_URL", description = "restore into this PostgreSQL database (jdbc:postgresql://host:port/db?user=u)")
    String toPostgres;

    @Option(names = "--password-file", paramLabel = "FILE", description = "the PostgreSQL password, on the file's first line")
    Path passwordFile;

    @Option(names = "--force", description = "replace an existing target (after keeping it)")
    boolean force;

    @Option(names = "--safety-dir", paramLabel = "DIR",
            description = "where the current PostgreSQL database is dumped first (default: $XDG_STATE_HOME/offsite/safety, i.e. ~/.local/state/offsite/safety)")
    Path safetyDir;

    @Option(names = "--temp-dir", paramLabel = "DIR", description = "where the backup is unpacked (default: java.io.tmpdir)")
    Path tempDir;

    @Option(names = "--identity", paramLabel = "FILE",
            description = "the age identity file (age-keygen's) that opens encrypted backups (default: $" + IDENTITY_ENV + ")")
    Path identity;

    /** The environment variable naming the age identity file when {@code --identity} is not given. */
    static final String IDENTITY_ENV = "OFFSITE_AGE_IDENTITY_FILE";

    static final String USAGE = "usage: offsite restore [--series S] [--key K | --latest | --as-of INSTANT] (--to PATH | --to-postgres JDBC_URL"
            + " [--password-file FILE]) [--force] [--safety-dir DIR] [--temp-dir DIR] [--identity FILE]\n"
            + "  the PostgreSQL password: --password-file, else PGPASSWORD, else ~/.pgpass (PGPASSFILE); a password in the URL is visible in ps\n"
            + "  --safety-dir: where the current database is dumped first (default $XDG_STATE_HOME/offsite/safety, i.e. ~/.local/state/offsite/safety)\n"
            + "  --identity: the age identity file that opens encrypted backups (default $" + IDENTITY_ENV + ")";
    static final String DEFAULT_SERIES = "backup-database";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Clock clock;

    RestoreCommand(PrintStream out, PrintStream err) {
        this(out, err, System.getenv(), Clock.systemUTC());
    }

    RestoreCommand(PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.clock = clock;
    }

    /** Reads {@code args} (after {@code restore}) and restores; a wrong command line throws {@link UsageException}. */
    int run(List<String> args) throws Exception {
        return OffsiteCli.parse(this, args).call();
    }

    @Override
    public Integer call() throws Exception {
        Selection selection = null;
        if (key != null) {
            selection = new Selection.Key(key);
        }
        if (latest) {
            selection = only(selection, new Selection.Latest());
        }
        if (asOf != null) {
            selection = only(selection, new Selection.AsOf(instant(asOf)));
        }
        Path tempDir = this.tempDir != null ? this.tempDir : Path.of(System.getProperty("java.io.tmpdir"));
        Path safetyDir = this.safetyDir;
        if ((to == null) == (toPostgres == null)) {
            throw new UsageException("say where to restore: --to PATH (a SQLite file) or --to-postgres JDBC_URL, not both\n" + USAGE);
        }
        if (selection == null) {
            selection = new Selection.Latest();
        }
        if (passwordFile != null && toPostgres == null) {
            throw new UsageException("--password-file is for --to-postgres\n" + USAGE);
        }
        PgConnection postgres = null;
        if (toPostgres != null) {
            try {
                postgres = PgConnection.parse(toPostgres, env.get("PGUSER"), null);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            postgres = withPassword(postgres, toPostgres, passwordFile);
        }
        if (safetyDir == null) {
            safetyDir = defaultSafetyDir(env);
        }
        String chosenSeries = series != null ? series : DEFAULT_SERIES;
        Optional<AgeIdentity> ageIdentity = ageIdentity();
        try (ObjectStore store = openStore(env)) {
            Restorer restorer = new Restorer(new BackupCatalog(store), PostgresTools.defaults(), clock, Report.to(out), ageIdentity);
            StoredBackup backup = restorer.choose(chosenSeries, selection);
            if (postgres != null) {
                restorer.toPostgres(backup, postgres, tempDir, safetyDir, force);
            } else {
                restorer.toSqlite(backup, to, force);
            }
            return 0;
        } catch (RestoreException e) {
            err.println("offsite restore: " + e.getMessage());
            return 1;
        } catch (StorageException e) {
            err.println("offsite restore: " + e.getMessage() + "; check S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY and S3_BUCKET ("
                    + describeStore(env) + ")");
            return 1;
        } catch (SQLException e) {
            err.println("offsite restore: cannot use database " + postgres + ": " + e.getMessage()
                    + "; check the JDBC URL, the user and the password (--password-file, PGPASSWORD or ~/.pgpass)");
            return 1;
        }
    }

    /** The identity of {@code --identity}, else of {@value #IDENTITY_ENV}; empty when neither names one. */
    private Optional<AgeIdentity> ageIdentity() {
        Path file = identity;
        String source = "--identity";
        if (file == null && env.get(IDENTITY_ENV) != null && !env.get(IDENTITY_ENV).isBlank()) {
            file = Path.of(env.get(IDENTITY_ENV).strip());
            source = IDENTITY_ENV;
        }
        if (file == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(AgeIdentity.load(file));
        } catch (IllegalArgumentException e) {
            throw new UsageException(source + ": " + e.getMessage());
        }
    }

    /**
     * The password of the target: in the URL (warned about: {@code ps} and the shell history show it), else from
     * {@code --password-file}, {@code PGPASSWORD}, or the password file {@code PGPASSFILE} / {@code ~/.pgpass}.
     */
    private PgConnection withPassword(PgConnection target, String url, Path passwordFile) throws java.io.IOException {
        if (PgConnection.hasPassword(url)) {
            if (passwordFile != null) {
                throw new UsageException("give the password once: in --password-file (better) or in the URL, not both");
            }
            err.println("offsite restore: warning: the password in the --to-postgres URL is visible to other users in ps and stays in your"
                    + " shell history; use PGPASSWORD, ~/.pgpass or --password-file instead");
            return target;
        }
        if (passwordFile != null) {
            try {
                List<String> lines = java.nio.file.Files.readAllLines(passwordFile);
                return target.withPassword(lines.isEmpty() ? "" : lines.get(0));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new UsageException("--password-file " + passwordFile + " does not exist");
            }
        }
        String fromEnv = env.get("PGPASSWORD");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return target.withPassword(fromEnv);
        }
        String home = envValue(env, "HOME", System.getProperty("user.home"));
        Path pgpass = env.get("PGPASSFILE") != null && !env.get("PGPASSFILE").isBlank() ? Path.of(env.get("PGPASSFILE")) : Path.of(home, ".pgpass");
        List<String> warnings = new java.util.ArrayList<>();
        java.util.Optional<String> found = PgPass.lookup(pgpass, target, warnings);
        warnings.forEach(w -> err.println("offsite restore: warning: " + w));
        return found.map(target::withPassword).orElse(target);
    }

    /** Where the safety dump of a PostgreSQL target goes by default: {@code $XDG_STATE_HOME/offsite/safety} (never the current folder). */
    static Path defaultSafetyDir(Map<String, String> env) {
        String state = env.get("XDG_STATE_HOME");
        Path base = state != null && !state.isBlank() ? Path.of(state)
                : Path.of(envValue(env, "HOME", System.getProperty("user.home")), ".local", "state");
        return base.resolve("offsite").resolve("safety");
    }

    private static Selection only(Selection current, Selection next) {
        if (current != null) {
            throw new UsageException("give one of --key, --latest and --as-of\n" + USAGE);
        }
        return next;
    }

    static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw new UsageException("--as-of needs an instant like 2025-01-15T00:00:00Z or 2025-01-15T01:00:00+01:00, got '" + text + "'");
            }
        }
    }

    /** The bucket, from {@code S3_ENDPOINT}, {@code S3_ACCESS_KEY}, {@code S3_SECRET_KEY}, {@code S3_BUCKET} (local defaults). */
    static ObjectStore openStore(Map<String, String> env) {
        String endpoint = envValue(env, "S3_ENDPOINT", "http://127.0.0.1:9000");
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new UsageException("S3_ENDPOINT is not a URL: '" + endpoint + "' (e.g. http://127.0.0.1:9000)");
        }
        return new ObjectStore(StorageProperties.of(uri, envValue(env, "S3_ACCESS_KEY", "offsite"), envValue(env, "S3_SECRET_KEY", "offsite-secret"),
                envValue(env, "S3_BUCKET", "offsite-backups")));
    }

    static String describeStore(Map<String, String> env) {
        return envValue(env, "S3_ENDPOINT", "http://127.0.0.1:9000") + "/" + envValue(env, "S3_BUCKET", "offsite-backups");
    }

    static String envValue(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
