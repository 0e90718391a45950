package io.offsite.backup.temp;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temp folders of this process: in each configured temp folder one {@link InstanceFolder} it owns, with one
 * {@link SpaceLedger} per disk (two temp folders on one disk share it). At start each temp folder is swept of what
 * stopped processes left ({@link TempSweeper}), then again every {@code interval}, so that a live instance cleans up
 * after a crashed one sharing its temp folder. Closing removes this process's folders.
 */
public final class TempSpaces implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TempSpaces.class);

    private final TempSweeper sweeper;
    private final Consumer<TempSweeper.Swept> onSwept;
    private final Map<Path, InstanceFolder> folders = new LinkedHashMap<>();
    private ScheduledExecutorService schedule;

    /**
     * Sweeps each of {@code tempDirs}, then creates and locks this process's folder in it.
     *
     * @param onSwept told of every folder or file removed (after it is logged)
     */
    public TempSpaces(List<Path> tempDirs, TempSweeper sweeper, Consumer<TempSweeper.Swept> onSwept) throws IOException {
        this.sweeper = sweeper;
        this.onSwept = onSwept;
        Map<FileStore, SpaceLedger> ledgers = new LinkedHashMap<>();
        try {
            for (Path dir : tempDirs) {
                Path normalized = dir.toAbsolutePath().normalize();
                if (folders.containsKey(normalized)) {
                    continue;
                }
                Files.createDirectories(normalized);
                sweep(normalized);
                FileStore disk = Files.getFileStore(normalized);
                SpaceLedger ledger = ledgers.get(disk);
                if (ledger == null) {
                    ledger = SpaceLedger.of(normalized);
                    ledgers.put(disk, ledger);
                }
                folders.put(normalized, InstanceFolder.create(normalized, ledger));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        log.info("Temp files go to {}", folders.values());
    }

    /** This process's folder in {@code tempDir}, one of the temp folders it was created with. */
    public InstanceFolder in(Path tempDir) {
        InstanceFolder folder = folders.get(tempDir.toAbsolutePath().normalize());
        if (folder == null) {
            throw new IllegalArgumentException(tempDir + " is not one of the temp folders " + folders.keySet());
        }
        return folder;
    }

    /** Sweeps every temp folder now; a failure is logged and the next sweep tries again. */
    public synchronized void sweepAll() {
        for (Path dir : List.copyOf(folders.keySet())) {
            try {
                sweep(dir);
            } catch (IOException | RuntimeException e) {
                log.warn("Cannot sweep temp folder {} of leftovers: {}", dir, e.toString());
            }
        }
    }

    /** Sweeps every temp folder every {@code interval} from now on (zero: never). */
    public synchronized void sweepEvery(Duration interval) {
        if (interval.isZero() || interval.isNegative() || schedule != null) {
            return;
        }
        schedule = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "temp-sweep");
            t.setDaemon(true);
            return t;
        });
        long millis = interval.toMillis();
        schedule.scheduleWithFixedDelay(this::sweepAll, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void sweep(Path dir) throws IOException {
        for (TempSweeper.Swept swept : sweeper.sweep(dir)) {
            log.info("Removed {} {} left by a stopped process: {} in {} file(s)",
                    swept.kind() == TempSweeper.Kind.DEAD_INSTANCE ? "temp folder" : "old temp leftover",
                    swept.path(), io.offsite.worker.format.Sizes.human(swept.bytes()), swept.files());
            onSwept.accept(swept);
        }
    }

    /** Stops sweeping and removes this process's folders. */
    @Override
    public synchronized void close() throws IOException {
        if (schedule != null) {
            schedule.shutdownNow();
            schedule = null;
        }
        List<IOException> failures = new ArrayList<>();
        for (InstanceFolder folder : folders.values()) {
            try {
                folder.close();
            } catch (IOException e) {
                failures.add(e);
            }
        }
        folders.clear();
        if (!failures.isEmpty()) {
            IOException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }
}
