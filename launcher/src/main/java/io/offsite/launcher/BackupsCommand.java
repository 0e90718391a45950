package io.offsite.launcher;

import io.offsite.backup.catalog.BackupCatalog;
import io.offsite.backup.catalog.BackupListing;
import io.offsite.backup.catalog.BackupListing.Entry;
import io.offsite.worker.format.Sizes;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code offsite backups [--series S]}: the backups in the bucket with size, age, checksum and verification state. */
@Command(name = "backups", header = "list backups with size, age, checksum and verification state",
        mixinStandardHelpOptions = true,
        description = {"List the backups in the bucket with size, age, checksum and verification state.",
                "The bucket: S3_ENDPOINT (default http://127.0.0.1:9000), S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET (default offsite-backups).",
                "Exit status: 0 listed, 1 the bucket cannot be read, 2 wrong command line."})
final class BackupsCommand implements Callable<Integer> {

    @Option(names = "--series", paramLabel = "S", description = "only this series (a job's folder, e.g. backup-database)")
    String series = "";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private final Clock clock;

    BackupsCommand(PrintStream out, PrintStream err) {
        this(out, err, System.getenv(), Clock.systemUTC());
    }

    BackupsCommand(PrintStream out, PrintStream err, Map<String, String> env, Clock clock) {
        this.out = out;
        this.err = err;
        this.env = env;
        this.clock = clock;
    }

    /** Reads {@code args} (after {@code backups}) and lists; a wrong command line throws {@link UsageException}. */
    int run(List<String> args) throws Exception {
        return OffsiteCli.parse(this, args).call();
    }

    @Override
    public Integer call() throws Exception {
        List<Entry> entries;
        try (ObjectStore store = RestoreCommand.openStore(env)) {
            entries = new BackupListing(new BackupCatalog(store)).list(series);
        } catch (StorageException e) {
            err.println("offsite backups: " + e.getMessage() + "; check S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY and S3_BUCKET ("
                    + RestoreCommand.describeStore(env) + ")");
            return 1;
        }
        if (entries.isEmpty()) {
            out.println("No backups" + (series.isEmpty() ? "" : " in '" + series + "'") + " in " + RestoreCommand.describeStore(env)
                    + (series.isEmpty() ? "" : "; run 'offsite backups' to see every series"));
            return 0;
        }
        Instant now = clock.instant();
        // the ENCRYPTED column appears when a listed backup is encrypted: a listing in clear looks as it always did
        boolean anyEncrypted = entries.stream().anyMatch(Entry::encrypted);
        String format = anyEncrypted ? "  %-60s %10s %9s  %-16s %-9s %s%n" : "  %-56s %10s %9s  %-16s %s%s%n";
        String currentSeries = null;
        for (Entry e : entries) {
            if (!e.backup().series().equals(currentSeries)) {
                currentSeries = e.backup().series();
                out.println((currentSeries.isEmpty() ? "(top level)" : currentSeries) + "/");
                out.printf(format, "BACKUP", "SIZE", "AGE", "SHA256", anyEncrypted ? "ENCRYPTED" : "", "VERIFIED");
            }
            out.printf(format, e.backup().fileName(), Sizes.human(e.backup().size()),
                    BackupListing.age(e.backup().time(), now), e.sha256().map(s -> s.substring(0, Math.min(12, s.length())) + "…").orElse("-"),
                    anyEncrypted ? e.encryption() : "", e.verificationState());
        }
        out.println(entries.size() + " backup(s)");
        return 0;
    }
}
