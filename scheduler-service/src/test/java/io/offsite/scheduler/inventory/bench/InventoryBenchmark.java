package io.offsite.scheduler.inventory.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.localstack.s3.S3Server;
import io.offsite.scheduler.inventory.BackupInventory;
import io.offsite.scheduler.inventory.ListingFold;
import io.offsite.scheduler.inventory.SeriesView;
import io.offsite.scheduler.inventory.TrackedSeries;
import io.offsite.scheduler.inventory.listing.BucketLister;
import io.offsite.scheduler.inventory.listing.InventoryProperties;
import io.offsite.worker.artifact.ListedObject;
import io.offsite.worker.artifact.SeriesListing;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * The cost of the scheduler's inventory of one series: listing a folder of N objects (half backups, half their
 * {@code .sha256} sidecars, one {@code .verified}) on an in-process S3Proxy, folding it and reading the newest
 * verification, against the reference of walking the same {@code ListObjectsV2} pages and nothing else, measured
 * alternately in the same run; and the heap the inventory keeps for the series afterwards.
 *
 * <p>Arguments (optional): objects (default 100000), rounds (default 3).
 */
public final class InventoryBenchmark {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private InventoryBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int objects = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.printf(Locale.ROOT, "java %s, %d cpus, max heap %d MB%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
        S3Server server = LocalStack.s3Server();
        S3Endpoint endpoint = server.endpoint();
        String folder = "bench-inventory-" + objects;
        int backups = objects / 2;
        long setup = System.nanoTime();
        Instant newest = write(server.storageRoot().resolve(endpoint.bucket()).resolve(folder), folder, backups);
        System.out.printf(Locale.ROOT, "setup: %,d objects written into S3Proxy's folder in %.1f s%n", backups * 2,
                (System.nanoTime() - setup) / 1e9);

        foldAlone(folder, backups);

        try (ObjectStore store = new ObjectStore(StorageProperties.of(endpoint.endpoint(), endpoint.accessKey(), endpoint.secretKey(),
                endpoint.bucket()));
                S3Client s3 = S3Client.builder().endpointOverride(endpoint.endpoint()).region(Region.of(endpoint.region()))
                        .forcePathStyle(true).requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(endpoint.accessKey(),
                                endpoint.secretKey())))
                        .build()) {
            TrackedSeries series = new TrackedSeries("bench", folder + "/");
            List<Double> reference = new ArrayList<>();
            List<Double> inventoryTimes = new ArrayList<>();
            BackupInventory inventory = null;
            for (int round = 0; round <= rounds; round++) {
                long start = System.nanoTime();
                long listed = 0;
                for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(endpoint.bucket()).prefix(folder + "/"))) {
                    listed += page.contents().size();
                }
                double ref = (System.nanoTime() - start) / 1e6;
                if (listed != backups * 2L) {
                    throw new IllegalStateException("listed " + listed + " objects, expected " + backups * 2L);
                }
                inventory = new BackupInventory(List.of(series), endpoint.bucket(), Clock.systemUTC());
                BucketLister lister = new BucketLister(store, inventory, new InventoryProperties(Duration.ofMinutes(5), Duration.ofSeconds(30),
                        Map.of()), Clock.systemUTC(), new SimpleMeterRegistry());
                start = System.nanoTime();
                if (!lister.list(series)) {
                    throw new IllegalStateException("the inventory listing failed");
                }
                double inv = (System.nanoTime() - start) / 1e6;
                SeriesView view = inventory.view("bench").orElseThrow();
                if (view.count() != backups || !newest.equals(view.newest()) || view.verification().isEmpty()) {
                    throw new IllegalStateException("inventory wrong: " + view);
                }
                System.out.printf(Locale.ROOT, "round %d%s: ListObjectsV2 pages %.0f ms | inventory listing %.0f ms (%.2fx)%n", round,
                        round == 0 ? " (warm-up)" : "", ref, inv, inv / ref);
                if (round > 0) {
                    reference.add(ref);
                    inventoryTimes.add(inv);
                }
            }
            // the heap the inventory holds for the series: measured by dropping it
            BackupInventory[] holder = {inventory};
            inventory = null;
            long withInventory = usedHeap();
            holder[0].views();
            holder[0] = null;
            long without = usedHeap();
            System.out.printf(Locale.ROOT, "median of %d: ListObjectsV2 pages %.0f ms | inventory listing %.0f ms | ratio %.2f%n", rounds,
                    median(reference), median(inventoryTimes), median(inventoryTimes) / median(reference));
            System.out.printf(Locale.ROOT, "heap kept for %,d backups: %.1f MB (%.0f bytes a backup)%n", backups,
                    (withInventory - without) / 1048576.0, (withInventory - without) / (double) backups);
        }
        System.exit(0);
    }

    /** Backups with their checksum sidecars, written as S3Proxy's filesystem store keeps them; returns the newest time. */
    private static Instant write(Path dir, String folder, int backups) throws Exception {
        Files.createDirectories(dir);
        Instant t = Instant.parse("2014-01-01T00:00:00Z");
        byte[] body = new byte[64];
        String last = null;
        for (int i = 0; i < backups; i++) {
            t = t.plusSeconds(3600);
            String name = "db-" + STAMP.format(t) + ".sqlite3.db.gz";
            Path file = dir.resolve(name);
            if (!Files.exists(file)) {
                Files.write(file, body);
                Files.write(dir.resolve(name + ".sha256"), ("ab  " + name + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            last = name;
        }
        Files.writeString(dir.resolve(last + ".verified"), "{\"key\":\"" + folder + "/" + last + "\",\"verifiedAt\":\"" + t
                + "\",\"outcome\":\"OK\"}");
        // the .verified makes one object more than N; the reference counts it too
        Files.deleteIfExists(dir.resolve(last + ".sha256"));
        return t;
    }

    /** The fold's own cost: the same objects, already listed, sorted and folded without S3 (median of 5 after 5). */
    private static void foldAlone(String folder, int backups) {
        List<ListedObject> listed = new ArrayList<>(backups * 2);
        Instant t = Instant.parse("2014-01-01T00:00:00Z");
        for (int i = 0; i < backups; i++) {
            t = t.plusSeconds(3600);
            String key = folder + "/db-" + STAMP.format(t) + ".sqlite3.db.gz";
            listed.add(new ListedObject(key, 64, t));
            listed.add(new ListedObject(key + ".sha256", 90, t));
        }
        List<Double> times = new ArrayList<>();
        for (int run = 0; run < 10; run++) {
            long start = System.nanoTime();
            ListingFold fold = new ListingFold();
            for (ListedObject o : listed) {
                SeriesListing.classify(folder + "/", o, fold);
            }
            if (fold.backups().size() != backups) {
                throw new IllegalStateException("folded " + fold.backups().size());
            }
            if (run >= 5) {
                times.add((System.nanoTime() - start) / 1e6);
            }
        }
        System.out.printf(Locale.ROOT, "fold alone of %,d listed objects: %.0f ms (%.2f us an object)%n", listed.size(),
                median(times), median(times) * 1000 / listed.size());
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
