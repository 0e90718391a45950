package io.offsite.backup.compress;

import io.offsite.backup.crypt.AgeRecipients;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.zip.GZIPOutputStream;

/**
 * Compares the backup compressors and SHA-256 with the command-line tools on one generated file, in
 * one run. See {@code bench/compress/README.md}.
 *
 * <p>Arguments: size in MB (10^6 bytes, default 300), work directory (default: a temp directory),
 * rounds (default 1; each contender runs once per round, its fastest run counts).
 */
public final class CompressionBenchmark {

    private static final int READ_BUFFER = 1 << 20;
    private static final int THREADS = 2;
    /** A recipient whose identity nobody keeps: the benchmark only writes. */
    private static final String AGE_RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

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

        List<Contender> contenders = new ArrayList<>();
        contenders.add(new Contender("gzip -6", () -> cli(sample, "gzip -6 -c")));
        if (installed("pigz")) {
            contenders.add(new Contender("pigz -6 -p2", () -> cli(sample, "pigz -6 -p 2 -c")));
        } else {
            System.out.println("pigz is not installed (apt-get install -y pigz): its row is left out");
        }
        contenders.add(new Contender("zstd -3 -T2", () -> cli(sample, "zstd -3 -T2 -c")));
        contenders.add(new Contender("sha256sum", () -> cli(sample, "sha256sum")));
        contenders.add(new Contender("ParallelGzipOutputStream -6, 2 threads",
                () -> java(sample, out -> Compression.GZIP.compress(out, 6, THREADS))));
        contenders.add(new Contender("ZstdOutputStream -3, 2 workers",
                () -> java(sample, out -> Compression.ZSTD.compress(out, 3, THREADS))));
        // encryption with age (X25519, ChaCha20-Poly1305) after compression, as a backup to recipients runs it
        AgeRecipients recipients = AgeRecipients.of(List.of(AGE_RECIPIENT));
        contenders.add(new Contender("ParallelGzipOutputStream -6, 2 threads + age",
                () -> java(sample, out -> Compression.GZIP.compress(recipients.encrypt(out), 6, THREADS))));
        contenders.add(new Contender("ZstdOutputStream -3, 2 workers + age",
                () -> java(sample, out -> Compression.ZSTD.compress(recipients.encrypt(out), 3, THREADS))));
        contenders.add(new Contender("JDK GZIPOutputStream -6, 1 thread",
                () -> java(sample, CompressionBenchmark::jdkGzip)));
        contenders.add(new Contender("JDK SHA-256 (HashingOutputStream)", () -> sha256(sample)));

        // age alone, over the gzip stream's output (a file read from the page cache): what encryption costs per byte
        Path compressed = work.resolve(sample.getFileName() + ".gz");
        compressTo(sample, compressed);
        contenders.add(new Contender("age alone, over the gzip output", () -> java(compressed, recipients::encrypt)));

        String loadBefore = loadAverage();
        // rounds interleave the contenders, so a burst of load elsewhere does not hit one of them only
        for (int round = 1; round <= repetitions; round++) {
            for (Contender contender : contenders) {
                Measurement m = contender.run.call();
                System.out.printf(Locale.ROOT, "round %d  %-40s %6.2f s wall %6.2f s CPU%n",
                        round, contender.name, m.seconds(), m.cpuSeconds());
                contender.runs.add(m);
                if (contender.best == null || m.seconds() < contender.best.seconds()) {
                    contender.best = m;
                }
            }
        }
        String loadAfter = loadAverage();

        double gzipSeconds = contenders.get(0).best.seconds();
        System.out.printf(Locale.ROOT, "%n%d MB input, %d processors, Java %s, max heap %d MB, best of %d; "
                        + "load average before: %s, after: %s%n%n",
                sizeMb, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, repetitions, loadBefore, loadAfter);
        System.out.println("| contender | wall s | MB/s | × gzip -6 | CPU s | output MB | output / input | allocated MB |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Contender c : contenders) {
            Measurement r = c.best;
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.0f | %.2f | %.2f | %s | %s | %s |%n",
                    c.name, r.seconds(), size / 1e6 / r.seconds(), gzipSeconds / r.seconds(), r.cpuSeconds(),
                    r.outputBytes() < 0 ? "–" : String.format(Locale.ROOT, "%.1f", r.outputBytes() / 1e6),
                    r.outputBytes() < 0 ? "–" : String.format(Locale.ROOT, "%.3f", (double) r.outputBytes() / size),
                    r.allocatedBytes() < 0 ? "–" : String.format(Locale.ROOT, "%.1f", r.allocatedBytes() / 1e6));
        }
        Contender ageAlone = find(contenders, "age alone, over the gzip output");
        long compressedBytes = Files.size(compressed);
        Files.delete(compressed);
        System.out.printf(Locale.ROOT, "%nage alone: %.1f MB encrypted in %.2f s (%.0f MB/s)%n",
                compressedBytes / 1e6, ageAlone.best.seconds(), compressedBytes / 1e6 / ageAlone.best.seconds());
        // each encrypted run against the clear run just before it in the same round, the median over the rounds
        for (String base : List.of("ParallelGzipOutputStream -6, 2 threads", "ZstdOutputStream -3, 2 workers")) {
            Contender clear = find(contenders, base);
            Contender encrypted = find(contenders, base + " + age");
            System.out.printf(Locale.ROOT, "%s: encrypted / clear, median of %d rounds: wall %.3f, CPU %.3f%n",
                    base, repetitions, medianRatio(encrypted, clear, Measurement::seconds),
                    medianRatio(encrypted, clear, Measurement::cpuSeconds));
        }
    }

    private static Contender find(List<Contender> contenders, String name) {
        return contenders.stream().filter(c -> c.name.equals(name)).findFirst().orElseThrow();
    }

    private static double medianRatio(Contender a, Contender b, ToDoubleFunction<Measurement> value) {
        double[] ratios = new double[a.runs.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = value.applyAsDouble(a.runs.get(i)) / value.applyAsDouble(b.runs.get(i));
        }
        Arrays.sort(ratios);
        return ratios.length % 2 == 1 ? ratios[ratios.length / 2]
                : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
    }

    private static void compressTo(Path sample, Path target) throws IOException {
        try (OutputStream out = Compression.GZIP.compress(Files.newOutputStream(target), 6, THREADS);
             InputStream in = Files.newInputStream(sample)) {
            copy(in, out);
        }
        readAll(target);
    }

    /** Heap bytes this thread allocated so far: the writing thread is where compressed bytes are encrypted. */
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    private static Measurement cli(Path sample, String command) throws Exception {
        // wc counts the compressed bytes, as the Java contenders count them; bash reports the CPU
        // time of the pipeline on stderr
        String script = "set -o pipefail; TIMEFORMAT='%3U %3S'; time (" + command + " \"$1\" | wc -c)";
        long start = System.nanoTime();
        Process process = new ProcessBuilder("bash", "-c", script, "bash", sample.toString()).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        String times = new String(process.getErrorStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        if (!process.waitFor(1, TimeUnit.HOURS) || process.exitValue() != 0) {
            throw new IOException(command + " failed: " + times);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String[] lines = times.split("\n");
        String[] cpu = lines[lines.length - 1].trim().split("\\s+");
        return new Measurement(seconds, Double.parseDouble(cpu[0]) + Double.parseDouble(cpu[1]),
                command.startsWith("sha256sum") ? -1 : Long.parseLong(output), -1);
    }

    private static Measurement java(Path sample, Wrapper wrapper) throws IOException {
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        long allocatedStart = allocatedBytes();
        CountingOutputStream sink = new CountingOutputStream();
        try (OutputStream out = wrapper.wrap(sink); InputStream in = Files.newInputStream(sample)) {
            copy(in, out);
        }
        return new Measurement((System.nanoTime() - start) / 1e9, (processCpuNanos() - cpuStart) / 1e9, sink.count,
                allocatedBytes() - allocatedStart);
    }

    private static Measurement sha256(Path sample) throws IOException {
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        HashingOutputStream hashing = new HashingOutputStream(OutputStream.nullOutputStream());
        try (InputStream in = Files.newInputStream(sample)) {
            copy(in, hashing);
        }
        hashing.digest();
        return new Measurement((System.nanoTime() - start) / 1e9, (processCpuNanos() - cpuStart) / 1e9, -1, -1);
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
            java(part, out -> Compression.GZIP.compress(out, 6, THREADS));
            java(part, out -> Compression.ZSTD.compress(out, 3, THREADS));
            AgeRecipients recipients = AgeRecipients.of(List.of(AGE_RECIPIENT));
            java(part, out -> Compression.GZIP.compress(recipients.encrypt(out), 6, THREADS));
            java(part, CompressionBenchmark::jdkGzip);
            sha256(part);
        } finally {
            Files.delete(part);
        }
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

    /** The 1, 5 and 15 minute load averages: other work on the machine skews wall times. */
    private static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        if (!Files.isReadable(loadavg)) {
            return "unknown";
        }
        String[] fields = Files.readString(loadavg).strip().split(" ");
        return String.join(" ", List.of(fields).subList(0, 3));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** {@code allocatedBytes}: heap allocated by the writing thread (−1 for the command-line tools). */
    private record Measurement(double seconds, double cpuSeconds, long outputBytes, long allocatedBytes) {
    }

    private static final class Contender {
        final String name;
        final Callable<Measurement> run;
        final List<Measurement> runs = new ArrayList<>();
        Measurement best;

        Contender(String name, Callable<Measurement> run) {
            this.name = name;
            this.run = run;
        }
    }

    @FunctionalInterface
    private interface Wrapper {
        OutputStream wrap(OutputStream out) throws IOException;
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
