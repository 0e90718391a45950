import io.offsite.events.Topics;
import io.offsite.events.serde.EventDeserializer;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The latency benchmark's client of a running {@code offsite local --open}: publishes completions of the external job
 * {@code sync-missing-cards} as the system that runs it would, and times each until the scheduler's request of the
 * dependent {@code replicate-to-primary} appears on {@code offsite.requests.replication}, by the records' CreateTime
 * (both set by the producers on this machine's clock) and by this probe's own clock (send to receive). Each chain waits
 * for the replication's completion before the next, so the exclusive dependent is never found running.
 *
 * <p>Reference in the same run, alternating with the chains on the same broker: a plain produce → consume round trip,
 * and a plain relay (a consumer and an idempotent {@code acks=all} producer as the scheduler has, re-publishing each
 * record it reads), the least a "read one record, publish one record" service can take.
 *
 * <pre>java LatencyProbe BOOTSTRAP CHAINS WARMUP</pre>
 * Prints one {@code chain}, {@code roundtrip} and {@code relay} line per measurement, then {@code RESULT} lines.
 */
public final class LatencyProbe {

    static final String EXTERNAL_JOB = "sync-missing-cards";
    static final String DEPENDENT_JOB = "replicate-to-primary";
    static final String REFERENCE_IN = "offsite.bench.latency.in";
    static final String REFERENCE_OUT = "offsite.bench.latency.out";
    static final Duration DECISION_WAIT = Duration.ofSeconds(120);
    static final Duration RUN_WAIT = Duration.ofMinutes(5);

    /** What the watcher saw: the record, its decoded event (null for reference records) and when it arrived. */
    record Seen(ConsumerRecord<String, byte[]> record, SpecificRecord event, long receivedNanos) {
    }

    private final String bootstrap;
    private final Map<String, BlockingQueue<Seen>> waiting = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    LatencyProbe(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        int chains = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        System.exit(new LatencyProbe(bootstrap).run(chains, warmup));
    }

    int run(int chains, int warmup) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (String topic : List.of(REFERENCE_IN, REFERENCE_OUT)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
        Thread watcher = watch(List.of(Topics.REQUESTS_REPLICATION, Topics.JOB_EVENTS, REFERENCE_IN, REFERENCE_OUT));
        Thread relay = relay();
        List<Long> chainCreate = new ArrayList<>();
        List<Long> chainProbe = new ArrayList<>();
        List<Long> roundTrip = new ArrayList<>();
        List<Long> relayCreate = new ArrayList<>();
        List<Long> relayProbe = new ArrayList<>();
        int notSucceeded = 0;
        Random pause = new Random(42);
        EventSerializer serializer = new EventSerializer();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            String tag = Long.toString(System.currentTimeMillis(), 36);
            for (int i = 1 - warmup; i <= chains; i++) {
                boolean measured = i >= 1;
                // the chain: a completion of the external job, as its system reports it; then the dependent's request
                Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                String upstream = EXTERNAL_JOB + "@latency-" + tag + "-" + (i + warmup);
                JobCompleted completion = JobCompleted.newBuilder()
                        .setRunId(upstream).setJobName(EXTERNAL_JOB).setJobType("EXTERNAL").setStatus(JobStatus.SUCCEEDED)
                        .setStartedAt(now).setFinishedAt(now).setWorker("latency-bench").setMessage("latency benchmark")
                        .setScheduledFor(now).build();
                String dependent = DEPENDENT_JOB + "@after:" + upstream;
                BlockingQueue<Seen> decisions = expect(dependent);
                long sent = System.nanoTime();
                RecordMetadata meta = producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, EXTERNAL_JOB,
                        serializer.serialize(Topics.JOB_EVENTS, completion))).get(30, TimeUnit.SECONDS);
                Seen request = null;
                Seen done = null;
                long until = System.nanoTime() + DECISION_WAIT.toNanos();
                while (done == null && System.nanoTime() < until) {
                    Seen seen = decisions.poll(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (seen == null) {
                        break;
                    }
                    if (seen.event instanceof JobRequested && request == null) {
                        request = seen;
                        until = System.nanoTime() + RUN_WAIT.toNanos();
                    } else if (seen.event instanceof JobCompleted c) {
                        done = seen;
                        if (request == null) {
                            System.err.println("chain " + i + ": the scheduler concluded " + dependent + " as " + c.getStatus()
                                    + " without requesting it: " + c.getMessage());
                            return 1;
                        }
                    }
                }
                waiting.remove(dependent);
                if (request == null) {
                    System.err.println("chain " + i + ": no request of " + dependent + " within " + DECISION_WAIT);
                    return 1;
                }
                if (done == null) {
                    System.err.println("chain " + i + ": " + dependent + " was requested but did not complete within " + RUN_WAIT);
                    return 1;
                }
                long create = request.record.timestamp() - meta.timestamp();
                long probe = request.receivedNanos - sent;
                JobStatus status = ((JobCompleted) done.event).getStatus();
                if (status != JobStatus.SUCCEEDED) {
                    notSucceeded++;
                }
                System.out.printf(Locale.ROOT, "chain %d create_ms=%d probe_ms=%.1f replication=%s%s%n", i, create, probe / 1e6,
                        status, measured ? "" : " (warm-up)");
                if (measured) {
                    chainCreate.add(create * 1_000_000);
                    chainProbe.add(probe);
                }
                Thread.sleep(50 + pause.nextInt(200)); // the bus is quiet, as when a real completion arrives

                // the references, on the same broker between two chains
                String key = "ref-" + tag + "-" + (i + warmup);
                BlockingQueue<Seen> in = expect(REFERENCE_IN + "/" + key);
                BlockingQueue<Seen> out = expect(REFERENCE_OUT + "/" + key);
                long refSent = System.nanoTime();
                RecordMetadata refMeta = producer.send(new ProducerRecord<>(REFERENCE_IN, key, new byte[200])).get(30, TimeUnit.SECONDS);
                Seen echo = in.poll(30, TimeUnit.SECONDS);
                Seen relayed = out.poll(30, TimeUnit.SECONDS);
                waiting.remove(REFERENCE_IN + "/" + key);
                waiting.remove(REFERENCE_OUT + "/" + key);
                if (echo == null || relayed == null) {
                    System.err.println("reference " + i + ": a record did not come back within 30 s");
                    return 1;
                }
                long trip = echo.receivedNanos - refSent;
                long relayByCreate = relayed.record.timestamp() - refMeta.timestamp();
                long relayByProbe = relayed.receivedNanos - refSent;
                System.out.printf(Locale.ROOT, "reference %d roundtrip_ms=%.1f relay_create_ms=%d relay_probe_ms=%.1f%n", i, trip / 1e6,
                        relayByCreate, relayByProbe / 1e6);
                if (measured) {
                    roundTrip.add(trip);
                    relayCreate.add(relayByCreate * 1_000_000);
                    relayProbe.add(relayByProbe);
                }
                Thread.sleep(50 + pause.nextInt(200));
            }
        } finally {
            running = false;
            watcher.join(10_000);
            relay.join(10_000);
        }
        result("chain_create", chainCreate);
        result("chain_probe", chainProbe);
        result("roundtrip", roundTrip);
        result("relay_create", relayCreate);
        result("relay_probe", relayProbe);
        System.out.printf("RESULT chains=%d replications_not_succeeded=%d%n", chainCreate.size(), notSucceeded);
        return 0;
    }

    /** A queue that receives what the watcher sees for {@code key} (a dependent's run id, or topic/key of a reference record). */
    private BlockingQueue<Seen> expect(String key) {
        BlockingQueue<Seen> queue = new LinkedBlockingQueue<>();
        waiting.put(key, queue);
        return queue;
    }

    private static void result(String name, List<Long> nanos) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "RESULT %s n=%d p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f min_ms=%.1f%n", name, sorted.size(),
                at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), sorted.get(sorted.size() - 1) / 1e6, sorted.get(0) / 1e6);
    }

    /** The nearest-rank percentile. */
    private static double at(List<Long> sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, rank - 1)) / 1e6;
    }

    /** A reporter's producer: one record at a time, sent at once (linger.ms 0), acknowledged by every replica. */
    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<String, byte[]> consumer(boolean readCommitted) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        if (readCommitted) {
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Reads {@code topics} from their ends and hands each record to whoever waits for it. */
    private Thread watch(List<String> topics) throws InterruptedException {
        KafkaConsumer<String, byte[]> consumer = consumer(false);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // the ends are fixed now, before the first chain is sent
        EventDeserializer deserializer = new EventDeserializer();
        Thread thread = new Thread(() -> {
            try (consumer) {
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        long received = System.nanoTime();
                        if (record.topic().startsWith("offsite.bench.")) {
                            deliver(record.topic() + "/" + record.key(), new Seen(record, null, received));
                            continue;
                        }
                        SpecificRecord event;
                        try {
                            event = deserializer.deserialize(record.topic(), record.value());
                        } catch (RuntimeException e) {
                            continue; // not ours to judge
                        }
                        if (event instanceof JobRequested r) {
                            deliver(r.getRunId(), new Seen(record, r, received));
                        } else if (event instanceof JobCompleted c) {
                            deliver(c.getRunId(), new Seen(record, c, received));
                        }
                    }
                }
            } catch (WakeupException e) {
                // stopping
            }
        }, "watcher");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void deliver(String key, Seen seen) {
        BlockingQueue<Seen> queue = waiting.get(key);
        if (queue != null) {
            queue.add(seen);
        }
    }

    /**
     * The reference for the scheduler's hop: reads {@link #REFERENCE_IN} (read_committed, polling 200 ms at most, as
     * the scheduler's event-log reader) and publishes each record to {@link #REFERENCE_OUT} with an idempotent
     * {@code acks=all} producer on its default {@code linger.ms}, waiting for the acknowledgement, as the scheduler does.
     */
    private Thread relay() {
        KafkaConsumer<String, byte[]> consumer = consumer(true);
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(REFERENCE_IN, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(REFERENCE_IN, p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(),
                new ByteArraySerializer());
        Thread thread = new Thread(() -> {
            try (consumer; producer) {
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        producer.send(new ProducerRecord<>(REFERENCE_OUT, record.key(), record.value())).get(30, TimeUnit.SECONDS);
                    }
                }
            } catch (Exception e) {
                if (running) {
                    e.printStackTrace();
                }
            }
        }, "relay");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
