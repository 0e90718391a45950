package io.offsite.scheduler.bench;

import io.offsite.events.Topics;
import io.offsite.events.serde.EventCodec;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.Ports;
import io.offsite.localstack.kafka.KafkaBroker;
import io.offsite.localstack.s3.S3Endpoint;
import io.offsite.localstack.s3.S3Server;
import io.offsite.scheduler.SchedulerApplication;
import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Start-up benchmark of the scheduler: publishes a history of N events for a thousand jobs, then times a scheduler's
 * start until it leads and until its first decision that depends on the whole history, against plain consumers
 * reading the same records. Each step runs in a JVM of its own ({@code bench/startup/run.sh} drives them):
 *
 * <pre>
 *   broker    DIR PORT                    the embedded broker and an S3 server with an empty bucket, until the process is ended
 *   publish   BOOTSTRAP EVENTS WORKDIR     history, the jobs' configuration and what the scheduler must find
 *   reference BOOTSTRAP                   read-and-discard with default and with the reader's settings; read and decode
 *   scheduler BOOTSTRAP WORKDIR S3URL     start → leading → first correct decision, heap after GC, API checks
 * </pre>
 *
 * Every step prints {@code RESULT key=value ...} lines the script collects.
 */
public final class StartupBench {

    static final int JOBS = 1_000;
    static final String CHECK_JOB = "bench-0000";
    static final Duration INTERVAL = Duration.ofMinutes(5);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The scheduler's API token for this run: the API and health details need one. */
    private static final String API_TOKEN = UUID.randomUUID().toString();

    private StartupBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "broker" -> broker(Path.of(args[1]), Integer.parseInt(args[2]));
            case "publish" -> publish(args[1], Long.parseLong(args[2]), Path.of(args[3]));
            case "reference" -> reference(args[1]);
            case "scheduler" -> scheduler(args[1], Path.of(args[2]), args[3]);
            default -> throw new IllegalArgumentException("unknown step " + args[0]);
        }
    }

    // ---------------------------------------------------------------- broker

    static void broker(Path dir, int port) {
        KafkaBroker broker = KafkaBroker.start(dir, port);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        // the scheduler lists its bucket for the inventory: an empty one, as a new installation has (no backup stored)
        S3Server s3 = S3Server.start(dir.resolve("s3"), Ports.freePort());
        Runtime.getRuntime().addShutdownHook(new Thread(s3::close));
        System.out.println("READY " + broker.bootstrapServers() + " " + s3.endpoint().endpoint());
        System.out.flush();
        try {
            Thread.currentThread().join(); // until the script ends this process
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- publish

    static String job(int j) {
        return String.format(Locale.ROOT, "bench-%04d", j);
    }

    static String type(int j) {
        int k = j % 10;
        return k < 5 ? "BACKUP" : k < 7 ? "ROTATION" : k < 9 ? "REPLICATION" : "VERIFY";
    }

    /**
     * Publishes about {@code events} events: rounds of one run per job, five minutes apart, ending now. A run is a
     * request, a start and a completion per attempt; 85% succeed first time, 10% fail retryably and are retried (up to
     * three attempts), 3% fail for good, 2% are SKIPPED completions without request. Backups carry one artifact. The
     * very last run of {@link #CHECK_JOB} fails retryably just now: the scheduler must retry it once it has read
     * everything.
     */
    static void publish(String bootstrap, long events, Path work) throws Exception {
        Files.createDirectories(work);
        writeJobs(work.resolve("jobs.yml"));
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "1");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        Random random = new Random(42);
        long rounds = Math.max(1, events / (JOBS * 33L / 10));
        Instant end = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(INTERVAL);
        Instant start = end.minus(INTERVAL.multipliedBy(rounds));
        Map<String, Instant> lastSuccess = new TreeMap<>();
        Map<String, String> lastRun = new TreeMap<>();
        Map<String, Long> runsPerJob = new TreeMap<>();
        AtomicLong failed = new AtomicLong();
        long sent = 0;
        long bytes = 0;
        long sampled = 0;
        long t0 = System.nanoTime();
        EventCodec sizing = new EventCodec();
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                new EventSerializer())) {
            Sink sink = (topic, key, at, event) -> producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), key, event),
                    (m, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                        }
                    });
            outer:
            for (long r = 0; ; r++) {
                for (int j = 0; j < JOBS; j++) {
                    if (sent >= events) {
                        break outer;
                    }
                    String job = job(j);
                    Instant scheduledFor = start.plus(INTERVAL.multipliedBy(r)).plusMillis(j * (INTERVAL.toMillis() / JOBS));
                    int roll = random.nextInt(100);
                    String runId = job + "@" + scheduledFor;
                    lastRun.put(job, runId);
                    runsPerJob.merge(job, 1L, Long::sum);
                    if (roll >= 98) {
                        JobCompleted skipped = completion(runId, job, type(j), 1, JobStatus.SKIPPED, false, null,
                                scheduledFor, scheduledFor, "already running: " + job + "@earlier");
                        sink.send(Topics.JOB_EVENTS, job, scheduledFor, skipped);
                        sent++;
                        continue;
                    }
                    Instant at = scheduledFor;
                    for (int attempt = 1; attempt <= 3; attempt++) {
                        JobStatus status;
                        boolean retryable;
                        if (attempt == 1) {
                            status = roll < 85 ? JobStatus.SUCCEEDED : JobStatus.FAILED;
                            retryable = roll >= 85 && roll < 95;
                        } else {
                            status = random.nextInt(5) == 0 ? JobStatus.FAILED : JobStatus.SUCCEEDED;
                            retryable = status == JobStatus.FAILED;
                        }
                        JobRequested request = request(runId, job, type(j), attempt, scheduledFor, at);
                        Instant startedAt = at.plusMillis(200);
                        Instant finishedAt = startedAt.plusSeconds(20 + random.nextInt(40));
                        sink.send(Topics.JobType.parse(type(j)).requestTopic(), job, at, request);
                        sink.send(Topics.JOB_EVENTS, job, startedAt, JobStarted.newBuilder().setRunId(runId).setJobName(job)
                                .setJobType(type(j)).setAttempt(attempt).setStartedAt(startedAt)
                                .setWorker("backup-worker@bench-host:" + (1000 + j % 4)).setDeadline(at.plus(Duration.ofHours(1)))
                                .build());
                        JobCompleted completed = completion(runId, job, type(j), attempt, status, retryable,
                                startedAt, finishedAt, scheduledFor, null);
                        sink.send(Topics.JOB_EVENTS, job, finishedAt, completed);
                        sent += 3;
                        if (sampled < 1_000) {
                            bytes += sizing.encode(request).length + sizing.encode(completed).length;
                            sampled += 2;
                        }
                        if (status == JobStatus.SUCCEEDED) {
                            lastSuccess.merge(job, finishedAt, (a, b) -> a.isAfter(b) ? a : b);
                        }
                        if (!retryable) {
                            break;
                        }
                        at = finishedAt.plusSeconds(30);
                    }
                }
            }
            // the check: the newest run of CHECK_JOB failed retryably just now; its retry is due in a second
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            String checkRun = CHECK_JOB + "@" + now;
            sink.send(Topics.JobType.parse(type(0)).requestTopic(), CHECK_JOB, now,
                    request(checkRun, CHECK_JOB, type(0), 1, now, now));
            sink.send(Topics.JOB_EVENTS, CHECK_JOB, now, completion(checkRun, CHECK_JOB, type(0), 1, JobStatus.FAILED, true,
                    now, now, now, "storage unreachable"));
            sent += 2;
            lastRun.put(CHECK_JOB, checkRun);
            producer.flush();
            Properties expect = new Properties();
            expect.setProperty("checkRun", checkRun);
            expect.setProperty("events", String.valueOf(sent));
            lastSuccess.forEach((job, at) -> expect.setProperty("lastSuccess." + job, at.toString()));
            lastRun.forEach((job, id) -> expect.setProperty("lastRun." + job, id));
            runsPerJob.forEach((job, n) -> expect.setProperty("runs." + job, String.valueOf(n)));
            try (Writer out = Files.newBufferedWriter(work.resolve("expect.properties"))) {
                expect.store(out, null);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " events were not published");
        }
        System.out.printf(Locale.ROOT, "RESULT events=%d publish_s=%.1f rate=%.0f history_days=%.1f avg_bytes=%d%n", sent,
                seconds, sent / seconds, rounds * INTERVAL.toMinutes() / 1440.0, bytes / Math.max(1, sampled));
    }

    interface Sink {
        void send(String topic, String key, Instant at, SpecificRecord event);
    }

    static JobRequested request(String runId, String job, String type, int attempt, Instant scheduledFor, Instant at) {
        return JobRequested.newBuilder().setRunId(runId).setJobName(job).setJobType(type).setAttempt(attempt).setMaxAttempts(3)
                .setTrigger(attempt == 1 ? Trigger.SCHEDULE : Trigger.RETRY).setScheduledFor(scheduledFor).setRequestedAt(at)
                .setDeadline(at.plus(Duration.ofHours(1))).setCausationRunId(attempt == 1 ? null : runId)
                .setRequestedBy("scheduler@bench-host:1").setParameters(Map.of("source", "db-" + job))
                .build();
    }

    static JobCompleted completion(String runId, String job, String type, int attempt, JobStatus status, boolean retryable,
            Instant startedAt, Instant finishedAt, Instant scheduledFor, String message) {
        List<Artifact> artifacts = new ArrayList<>();
        if (status == JobStatus.SUCCEEDED && type.equals("BACKUP")) {
            artifacts.add(Artifact.newBuilder().setBucket("offsite-backups").setKey("db-" + job + "/" + scheduledFor + ".sql.zst")
                    .setSizeBytes(10_000_000L + job.hashCode() % 1000).setSha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
                    .setSourceBytes(50_000_000L).setCompression("zstd").build());
        }
        return JobCompleted.newBuilder().setRunId(runId).setJobName(job).setJobType(type).setAttempt(attempt).setStatus(status)
                .setRetryable(retryable).setStartedAt(startedAt).setFinishedAt(finishedAt).setWorker("worker@bench-host:1001")
                .setError(status == JobStatus.FAILED ? new JobError(retryable ? "STORAGE_UNREACHABLE" : "BAD_CREDENTIALS",
                        retryable ? "connection refused by 127.0.0.1:9000" : "access denied") : null)
                .setArtifacts(artifacts)
                .setStats(status == JobStatus.SUCCEEDED ? Map.of("bytes_read", 50_000_000L) : Map.of())
                .setMessage(message != null ? message : status == JobStatus.SUCCEEDED ? "stored 1 object" : "attempt failed")
                .setScheduledFor(scheduledFor)
                .build();
    }

    /** A thousand jobs: no fire due now (cron once a year), three attempts, a one-second retry delay. */
    static void writeJobs(Path file) throws IOException {
        StringBuilder yml = new StringBuilder("offsite:\n  scheduler:\n    jobs:\n");
        for (int j = 0; j < JOBS; j++) {
            yml.append("      ").append(job(j)).append(":\n")
                    .append("        type: ").append(type(j)).append('\n')
                    .append("        cron: \"0 0 1 1 *\"\n")
                    .append("        timeout: 1h\n")
                    .append("        retries: 2\n")
                    .append("        retry-delay: 1s\n")
                    .append("        parameters:\n          source: db-").append(job(j)).append('\n');
        }
        Files.writeString(file, yml);
    }

    // ---------------------------------------------------------------- reference

    static List<String> stateTopics() {
        List<String> topics = new ArrayList<>();
        for (Topics.JobType type : Topics.JobType.values()) {
            topics.add(type.requestTopic());
        }
        topics.add(Topics.JOB_EVENTS);
        return topics;
    }

    /** Reads every state topic to its end: with default consumer settings, with the scheduler's, and decoding too. */
    static void reference(String bootstrap) {
        long[] plain = read(bootstrap, Map.of(), false);
        Map<String, Object> tuned = Map.of( // the event-log reader's settings (KafkaConfiguration.readerFetchSettings)
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 * 1024 * 1024,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 2 * 1024 * 1024,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000,
                ConsumerConfig.RECEIVE_BUFFER_CONFIG, 1024 * 1024);
        long[] fast = read(bootstrap, tuned, false);
        long[] decoded = read(bootstrap, tuned, true);
        System.out.printf(Locale.ROOT, "RESULT records=%d plain_s=%.2f tuned_s=%.2f decode_s=%.2f decode_cpu_s=%.2f%n",
                plain[0], plain[1] / 1e9, fast[1] / 1e9, decoded[1] / 1e9, decoded[3] / 1e9);
    }

    private static long[] read(String bootstrap, Map<String, Object> extra, boolean decode) {
        Map<String, Object> config = new HashMap<>(extra);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        EventCodec codec = new EventCodec();
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        long count = 0;
        long sink = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : stateTopics()) {
                for (PartitionInfo info : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!reached(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    count++;
                    if (decode) {
                        sink += codec.decode(record.value()).hashCode() & 1;
                    } else {
                        sink += record.value().length & 1;
                    }
                }
            }
        }
        return new long[] {count, System.nanoTime() - t0, sink, processCpuNanos() - cpu0};
    }

    /** CPU time of this whole JVM (every thread, the consumer's network thread and the GC included). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- scheduler

    static void scheduler(String bootstrap, Path work, String s3Endpoint) throws Exception {
        Properties expect = new Properties();
        try (var in = Files.newBufferedReader(work.resolve("expect.properties"))) {
            expect.load(in);
        }
        String checkRun = expect.getProperty("checkRun");
        String instance = "scheduler@bench";
        try (Tail tail = new Tail(bootstrap)) {
            long t0 = System.nanoTime();
            long cpu0 = processCpuNanos();
            ConfigurableApplicationContext context = SchedulerApplication.application().run(
                    "--server.port=0", "--server.address=127.0.0.1",
                    "--spring.kafka.bootstrap-servers=" + bootstrap,
                    "--spring.config.additional-location=file:" + work.resolve("jobs.yml").toAbsolutePath(),
                    "--offsite.scheduler.instance-id=" + instance,
                    "--offsite.scheduler.leadership-group=bench-" + UUID.randomUUID(),
                    "--offsite.scheduler.api-token=" + API_TOKEN,
                    "--offsite.s3.endpoint=" + s3Endpoint,
                    "--offsite.s3.access-key=" + S3Endpoint.DEFAULT_ACCESS_KEY,
                    "--offsite.s3.secret-key=" + S3Endpoint.DEFAULT_SECRET_KEY,
                    "--offsite.s3.bucket=" + S3Endpoint.DEFAULT_BUCKET,
                    "--logging.level.io.offsite=WARN");
            try {
                long contextUp = System.nanoTime();
                int port = ((WebServerApplicationContext) context).getWebServer().getPort();
                long leading = 0;
                long contextCpu = processCpuNanos() - cpu0;
                long leadingCpu = 0;
                long decision = 0;
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
                while (decision == 0 && System.nanoTime() < deadline) {
                    if (leading == 0) {
                        // DOWN (503) when some bench job's backup health is: only readiness to lead matters here
                        JsonNode details = get(port, "/actuator/health/scheduler", true).path("details");
                        if (details.path("readyToLead").asBoolean(false)) {
                            leading = System.nanoTime();
                            leadingCpu = processCpuNanos() - cpu0;
                        }
                    }
                    if (tail.poll(checkRun)) {
                        decision = System.nanoTime();
                    }
                    Thread.sleep(50);
                }
                if (decision == 0) {
                    throw new IllegalStateException("no retry of " + checkRun + " within 10 minutes");
                }
                Thread.sleep(3_000); // any further decision the history would (wrongly) cause
                tail.poll(checkRun);
                long heap = usedHeapAfterGc();
                // what the API answers: last success of every job, the newest run of some jobs
                JsonNode jobs = get(port, "/api/v1/jobs");
                int wrongSuccess = 0;
                int checked = 0;
                for (JsonNode job : jobs) {
                    String name = job.get("name").asString();
                    String expected = expect.getProperty("lastSuccess." + name);
                    if (expected == null) {
                        continue;
                    }
                    checked++;
                    if (!expected.equals(job.path("lastSuccessAt").asString(""))) {
                        wrongSuccess++;
                        if (wrongSuccess <= 3) {
                            System.out.println("lastSuccess of " + name + ": expected " + expected + ", API says "
                                    + job.path("lastSuccessAt").asString(""));
                        }
                    }
                }
                int wrongLast = 0;
                for (int j = 0; j < JOBS; j += 97) {
                    JsonNode page = get(port, "/api/v1/runs?job=" + job(j) + "&size=1");
                    String newest = page.path("runs").path(0).path("runId").asString("");
                    if (!newest.equals(expect.getProperty("lastRun." + job(j)))) {
                        wrongLast++;
                        System.out.println("newest run of " + job(j) + ": expected " + expect.getProperty("lastRun." + job(j))
                                + ", API says " + newest);
                    }
                }
                JsonNode runs = get(port, "/api/v1/runs?size=1");
                System.out.printf(Locale.ROOT,
                        "RESULT context_s=%.2f leading_s=%.2f decision_s=%.2f context_cpu_s=%.2f leading_cpu_s=%.2f"
                                + " heap_mb=%d decisions=%d unexpected=%s"
                                + " last_success_wrong=%d/%d newest_run_wrong=%d history_from=%s truncated=%s%n",
                        (contextUp - t0) / 1e9, (leading - t0) / 1e9, (decision - t0) / 1e9, contextCpu / 1e9,
                        leadingCpu / 1e9, heap / (1024 * 1024),
                        tail.decisions, tail.unexpected.isEmpty() ? "-" : String.join(",", tail.unexpected),
                        wrongSuccess, checked, wrongLast, runs.path("historyFrom").asString("?"),
                        runs.path("truncated").asString("?"));
            } finally {
                context.close();
            }
        }
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static JsonNode get(int port, String path) throws Exception {
        return get(port, path, false);
    }

    static JsonNode get(int port, String path, boolean anyStatus) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + API_TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 && !anyStatus) {
            throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Every decision the scheduler publishes after start: requests and its own completions. */
    static final class Tail implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final EventCodec codec = new EventCodec();
        int decisions;
        boolean retried;
        final List<String> unexpected = new ArrayList<>();

        Tail(String bootstrap) {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : stateTopics()) {
                for (PartitionInfo info : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
        }

        /** Reads what was published since the last call; true once the retry of {@code checkRun} was seen. */
        boolean poll(String checkRun) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(10))) {
                SpecificRecord event = codec.decode(record.value());
                decisions++;
                if (event instanceof JobRequested r && r.getRunId().equals(checkRun) && r.getAttempt() == 2
                        && r.getTrigger() == Trigger.RETRY) {
                    retried = true;
                } else if (unexpected.size() < 5) {
                    unexpected.add(event.getSchema().getName() + ":" + (event instanceof JobRequested r ? r.getRunId()
                            : event instanceof JobCompleted c ? c.getRunId() + "/" + c.getStatus() : "?"));
                }
            }
            return retried;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
