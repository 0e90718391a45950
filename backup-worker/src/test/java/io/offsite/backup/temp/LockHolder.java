package io.offsite.backup.temp;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A worker process in miniature, run as a child JVM by the tests: creates its instance folder in the temp folder
 * named by the first argument, writes a 1 MiB "snapshot" inside, prints the folder's path, and waits to be killed.
 */
public final class LockHolder {

    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        Path tempDir = Path.of(args[0]);
        InstanceFolder folder = InstanceFolder.create(tempDir, SpaceLedger.of(tempDir));
        Path snapshot = folder.newFolder("snapshot-");
        Files.write(snapshot.resolve("pokemon-data.sqlite3.db"), new byte[1024 * 1024]);
        System.out.println(folder.path());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
