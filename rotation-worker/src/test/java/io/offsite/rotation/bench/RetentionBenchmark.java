package io.offsite.rotation.bench;

import io.offsite.localstack.LocalStack;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.worker.artifact.ListedObject;
import io.offsite.worker.artifact.SeriesInventory;
import io.offsite.worker.retention.Backup;
import io.offsite.worker.retention.RetentionPlan;
import io.offsite.worker.retention.RetentionPolicy;
import io.offsite.worker.retention.Semantics;
import io.offsite.worker.storage.DeleteReport;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import io.offsite.worker.storage.StoredObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Plans 100,000 backups with both semantics (against sorting the same list, measured in the same run) and deletes
 * 10,000 objects from an in-process S3Proxy (against listing them, measured in the same run). Prints the figures.
 *
 * <p>Arguments (optional): number of backups to plan (default 100000), objects to delete (default 10000).
 */
public final class RetentionBenchmark {

    private RetentionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int planned = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int deleted = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        System.out.printf(Locale.ROOT, "java %s, %d cpus%n", System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        planning(planned);
        deleting(deleted);
        System.exit(0);
    }

    static void planning(int n) {
        // hourly backups with jitter and gaps: 100,000 hours is about 11 years
        Random random = new Random(42);
        List<Backup> backups = new ArrayList<>(n);
        Instant t = Instant.parse("2014-01-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            t = t.plusSeconds(3600 + random.nextInt(120) - 60 + (random.nextInt(50) == 0 ? 86_400 : 0));
            backups.add(new Backup(String.format(Locale.ROOT, "series/db-%07d.gz", i), t));
        }
        Collections.shuffle(backups, random);
        RetentionPolicy calendar = RetentionPolicy.builder().last(24).hourly(48).daily(30).weekly(12).monthly(24).yearly(-1).minimum(5).build();
        RetentionPolicy restic = RetentionPolicy.builder().semantics(Semantics.RESTIC).last(24).hourly(48).daily(30).weekly(12)
                .monthly(24).yearly(-1).minimum(5).build();
        Comparator<Backup> newestFirst = Comparator.comparing(Backup::time).thenComparing(Backup::id).reversed();

        double sort = median(15, () -> {
            List<Backup> copy = new ArrayList<>(backups);
            copy.sort(newestFirst);
            return copy.size();
        });
        double cal = median(15, () -> calendar.apply(backups).kept().size());
        double res = median(15, () -> restic.apply(backups).kept().size());
        RetentionPlan c = calendar.apply(backups);
        RetentionPlan r = restic.apply(backups);
        System.out.printf(Locale.ROOT, "plan %,d backups: sort (reference) %.1f ms | calendar %.1f ms (%.1fx sort, keeps %d) | restic %.1f ms (%.1fx sort, keeps %d)%n",
                n, sort, cal, cal / sort, c.kept().size(), res, res / sort, r.kept().size());
    }

    static void deleting(int n) throws Exception {
        S3Endpoint s3 = LocalStack.s3();
        try (ObjectStore store = new ObjectStore(StorageProperties.of(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.bucket()))) {
            String prefix = "bench-" + System.nanoTime() + "/";
            List<String> keys = new ArrayList<>(n);
            Instant t = Instant.parse("2000-01-01T00:00:00Z");
            for (int i = 0; i < n; i++) {
                keys.add(prefix + "db-" + t.plus(Duration.ofHours(i)).toString().replace(':', '-') + ".gz");
            }
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> uploads = new ArrayList<>();
            byte[] body = new byte[256];
            for (String key : keys) {
                uploads.add(pool.submit(() -> store.putSmall(key, body, "application/gzip", java.util.Map.of())));
            }
            for (Future<?> f : uploads) {
                f.get();
            }
            pool.shutdown();
            double upload = (System.nanoTime() - start) / 1e6;

            start = System.nanoTime();
            List<StoredObject> listed = store.list(prefix);
            double list = (System.nanoTime() - start) / 1e6;

            start = System.nanoTime();
            SeriesInventory inventory = SeriesInventory.of(prefix, listed.stream().map(o -> new ListedObject(o.key(), o.size())).toList());
            RetentionPlan plan = RetentionPolicy.builder().last(1).build()
                    .apply(inventory.backups().stream().map(b -> new Backup(b.key(), b.time())).toList());
            double planMs = (System.nanoTime() - start) / 1e6;

            start = System.nanoTime();
            DeleteReport report = store.delete(plan.deleted().stream().map(Backup::id).toList());
            double delete = (System.nanoTime() - start) / 1e6;
            if (!report.complete() || report.deleted().size() != n - 1 || store.list(prefix).size() != 1) {
                throw new IllegalStateException("delete incomplete: " + report.failed().size() + " failed");
            }
            store.delete(List.of(plan.kept().get(0).id()));
            System.out.printf(Locale.ROOT, "S3Proxy, %,d objects: upload (16 threads) %.0f ms | list (reference) %.0f ms | inventory+plan %.0f ms | "
                            + "delete %,d in %d batches %.0f ms (%.1fx list, %.0f objects/s)%n",
                    n, upload, list, planMs, n - 1, (n - 1 + 999) / 1000, delete, delete / list, (n - 1) / (delete / 1000));
        }
    }

    /** Median wall time in milliseconds of {@code runs} runs after as many warm-up runs. */
    static double median(int runs, Supplier<Integer> work) {
        long sink = 0;
        for (int i = 0; i < runs; i++) {
            sink += work.get();
        }
        double[] times = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            sink += work.get();
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        if (sink == 42) {
            System.out.print("");
        }
        Arrays.sort(times);
        return times[runs / 2];
    }
}
