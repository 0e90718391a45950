package io.offsite.backup.compress;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/**
 * Compares the backup compressors and SHA-256 with the command-line tools on one generated file, in
 * one run. See {@code bench/compress/README.md}.
 *
 * <p>Arguments: size in MB (10^6 bytes, default 300), work directory (default: a temp directory),
 * repetitions (default 1; the best run counts).
 */
public final class CompressionBenchmark {

    private static final int READ_BUFFER = 1 << 20;
    private static final int THREADS = 2;

    private CompressionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long sizeMb = args.length > 0 ? Long.parseLong(args[0]) : 300;
        Path work = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("offsite-bench-compress");
        int repetitions = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        Files.createDirectories(work);
        Path sample = work.resolve("sample-" + sizeMb + "MB.db");
        long size = sizeMb * 1_000_000L;
        if (!Files.exists(sample) || Files.size(sample) != size) {
            System.out.printf("generating %s (%d MB of SQLite-like pages)%n", sample, sizeMb);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(sample), READ_BUFFER)) {
                SampleData.writeSqliteLike(out, size, 1);
            }
        }
        readAll(sample); // into the page cache, so every contender reads from memory
        warmUp(sample);

        List<Result> results = new ArrayList<>();
        results.add(best(repetitions, () -> cli("gzip -6", sample, "gzip -6 -c")));
        if (installed("pigz")) {
            results.add(best(repetitions, () -> cli("pigz -6 -p2", sample, "pigz -6 -p 2 -c")));
        } else {
            System.out.println("pigz is not installed (apt-get install -y pigz): its row is left out");
        }
        results.add(best(repetitions, () -> cli("zstd -3 -T2", sample, "zstd -3 -T2 -c")));
        results.add(best(repetitions, () -> cli("sha256sum", sample, "sha256sum")));
        results.add(best(repetitions, () -> java("ParallelGzipOutputStream -6, 2 threads", sample,
                out -> Compression.GZIP.compress(out, 6, THREADS))));
        results.add(best(repetitions, () -> java("ZstdOutputStream -3, 2 workers", sample,
                out -> Compression.ZSTD.compress(out, 3, THREADS))));
        results.add(best(repetitions, () -> java("JDK GZIPOutputStream -6, 1 thread", sample,
                CompressionBenchmark::jdkGzip)));
        results.add(best(repetitions, () -> sha256(sample)));

        double gzipSeconds = results.get(0).seconds();
        System.out.printf(Locale.ROOT, "%n%d MB input, %d processors, Java %s, max heap %d MB%n%n",
                sizeMb, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.println("| contender | seconds | MB/s | × gzip -6 | output MB | output / input |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.0f | %.2f | %s | %s |%n",
                    r.name(), r.seconds(), size / 1e6 / r.seconds(), gzipSeconds / r.seconds(),
                    r.outputBytes() < 0 ? "–" : String.format(Locale.ROOT, "%.1f", r.outputBytes() / 1e6),
                    r.outputBytes() < 0 ? "–" : String.format(Locale.ROOT, "%.3f", (double) r.outputBytes() / size));
        }
    }

    private static Result cli(String name, Path sample, String command) throws Exception {
        // the compressed bytes are counted by wc, as the Java contenders count them
        String script = "set -o pipefail; " + command + " \"$1\" | wc -c";
        long start = System.nanoTime();
        Process process = new ProcessBuilder("bash", "-c", script, "bash", sample.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        if (!process.waitFor(1, TimeUnit.HOURS) || process.exitValue() != 0) {
            throw new IOException(command + " failed");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(name, seconds, command.startsWith("sha256sum") ? -1 : Long.parseLong(output));
    }

    private static Result java(String name, Path sample, Wrapper wrapper) throws IOException {
        long start = System.nanoTime();
        CountingOutputStream sink = new CountingOutputStream();
        try (OutputStream out = wrapper.wrap(sink); InputStream in = Files.newInputStream(sample)) {
            copy(in, out);
        }
        return new Result(name, (System.nanoTime() - start) / 1e9, sink.count);
    }

    private static Result sha256(Path sample) throws IOException {
        long start = System.nanoTime();
        HashingOutputStream hashing = new HashingOutputStream(OutputStream.nullOutputStream());
        try (InputStream in = Files.newInputStream(sample)) {
            copy(in, hashing);
        }
        hashing.digest();
        return new Result("JDK SHA-256 (HashingOutputStream)", (System.nanoTime() - start) / 1e9, -1);
    }

    private static OutputStream jdkGzip(OutputStream out) throws IOException {
        return new GZIPOutputStream(out, 64 * 1024) {
            {
                def.setLevel(6);
            }
        };
    }

    private static void warmUp(Path sample) throws IOException {
        Path part = Files.createTempFile(sample.getParent(), "warm-up", ".db");
        try {
            try (InputStream in = Files.newInputStream(sample); OutputStream out = Files.newOutputStream(part)) {
                byte[] buffer = in.readNBytes(32_000_000);
                out.write(buffer);
            }
            java("", part, out -> Compression.GZIP.compress(out, 6, THREADS));
            java("", part, out -> Compression.ZSTD.compress(out, 3, THREADS));
            java("", part, CompressionBenchmark::jdkGzip);
            sha256(part);
        } finally {
            Files.delete(part);
        }
    }

    private static Result best(int repetitions, Run run) throws Exception {
        Result best = null;
        for (int i = 0; i < repetitions; i++) {
            Result r = run.run();
            System.out.printf(Locale.ROOT, "%-40s %6.2f s%n", r.name(), r.seconds());
            if (best == null || r.seconds() < best.seconds()) {
                best = r;
            }
        }
        return best;
    }

    private static void readAll(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            copy(in, OutputStream.nullOutputStream());
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[READ_BUFFER];
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
        }
    }

    private static boolean installed(String tool) {
        return Files.isExecutable(Path.of("/usr/bin", tool)) || Files.isExecutable(Path.of("/bin", tool));
    }

    private record Result(String name, double seconds, long outputBytes) {
    }

    @FunctionalInterface
    private interface Wrapper {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    @FunctionalInterface
    private interface Run {
        Result run() throws Exception;
    }

    private static final class CountingOutputStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
