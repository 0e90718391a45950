package io.offsite.backup.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A small real file system that can fill up: a tmpfs of a fixed size mounted on a folder. Mounting needs root (or
 * CAP_SYS_ADMIN); where it is not permitted the calling test is skipped, saying why.
 */
public final class Tmpfs implements AutoCloseable {

    private final Path mountPoint;

    private Tmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code megabytes} on {@code mountPoint} (created if needed), or skips the test. */
    public static Tmpfs mount(Path mountPoint, int megabytes) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        Result result = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString());
        Assumptions.assumeTrue(result.exit == 0, () -> "cannot mount a " + megabytes + " MB tmpfs to fill up for real (needs root or"
                + " CAP_SYS_ADMIN; mount said: " + result.output.strip() + ")");
        return new Tmpfs(mountPoint);
    }

    public Path path() {
        return mountPoint;
    }

    /** Free bytes of the file system now. */
    public long usableBytes() throws IOException {
        return Files.getFileStore(mountPoint).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Result result = run("umount", mountPoint.toString());
        if (result.exit != 0) {
            run("umount", "-l", mountPoint.toString());
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, command[0] + " did not finish in 30 s");
        }
        return new Result(p.exitValue(), output);
    }
}
