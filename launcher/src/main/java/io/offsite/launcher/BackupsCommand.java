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

/** {@code offsite backups [--series S]}: the backups in the bucket with size, age, checksum and verification state. */
final class BackupsCommand {

    static final String USAGE = "usage: offsite backups [--series S]";

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

    int run(List<String> args) throws Exception {
        String series = "";
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--series" -> series = LocalOptions.value(args, ++i, "--series");
                default -> throw new UsageException("unknown option for 'backups': " + args.get(i) + "\n" + USAGE);
            }
        }
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
        String currentSeries = null;
        for (Entry e : entries) {
            if (!e.backup().series().equals(currentSeries)) {
                currentSeries = e.backup().series();
                out.println((currentSeries.isEmpty() ? "(top level)" : currentSeries) + "/");
                out.printf("  %-56s %10s %9s  %-16s %s%n", "BACKUP", "SIZE", "AGE", "SHA256", "VERIFIED");
            }
            out.printf("  %-56s %10s %9s  %-16s %s%n", e.backup().fileName(), Sizes.human(e.backup().size()),
                    BackupListing.age(e.backup().time(), now), e.sha256().map(s -> s.substring(0, Math.min(12, s.length())) + "…").orElse("-"),
                    e.verificationState());
        }
        out.println(entries.size() + " backup(s)");
        return 0;
    }
}
