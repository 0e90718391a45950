import io.offsite.events.Topics;
import io.offsite.events.serde.EventDeserializer;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import io.offsite.worker.storage.StoredObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The fault suite's client of a running system: publishes requests and raw records, dumps the event and request
 * topics as tab-separated lines, and lists objects and open multipart uploads in the bucket. Talks straight to
 * Kafka ({@code KAFKA}) and S3 ({@code S3_ENDPOINT}, not through the suite's proxy).
 *
 * <pre>
 * publish TYPE JOB RUN_ID SCHEDULED_FOR|now [k=v]...   (PARTITION=n to pick the partition, COPIES=n to send it n times)
 * publish-many TYPE PREFIX COUNT [k=v]...              COUNT requests PREFIX-0..COUNT-1, scheduledFor now - i ms
 * raw TOPIC hex:HEX|random:N|zeros:N [KEY]
 * poison TOPIC...                                      the 15-byte bomb, 64 random bytes and 900 KB random on each topic
 * events                                               kind runId job attempt status error retryable worker at-ms message
 * count TOPIC                                          records on a topic
 * requests TOPIC                                       runId job attempt scheduledFor requestedBy record-ms trigger
 * await SECONDS RUN_ID...                              waits for a completion of every run id; exit 1 when some are missing
 * settings                                             every offsite.* setting the workers' classes declare
 * uploads [PREFIX]                                     keys of open multipart uploads (default _incoming/)
 * objects [PREFIX]                                     key size
 * </pre>
 */
public final class FaultProbe {

    private static final String KAFKA = env("KAFKA", "127.0.0.1:9092");

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: FaultProbe publish|publish-many|raw|events|requests|await|uploads|objects ...");
            System.exit(2);
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        int code = switch (args[0]) {
            case "publish" -> publish(rest);
            case "publish-many" -> publishMany(rest);
            case "raw" -> raw(rest);
            case "poison" -> poison(rest);
            case "events" -> events();
            case "requests" -> requests(rest.get(0));
            case "count" -> {
                System.out.println(readAll(rest.get(0)).size());
                yield 0;
            }
            case "await" -> await(Integer.parseInt(rest.get(0)), rest.subList(1, rest.size()));
            case "settings" -> settings();
            case "uploads" -> uploads(rest.isEmpty() ? "_incoming/" : rest.get(0));
            case "objects" -> objects(rest.isEmpty() ? "" : rest.get(0));
            default -> {
                System.err.println("unknown command " + args[0]);
                yield 2;
            }
        };
        System.exit(code);
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024), new StringSerializer(), new ByteArraySerializer());
    }

    private static JobRequested request(String type, String job, String runId, Instant scheduledFor, List<String> params) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String p : params) {
            int eq = p.indexOf('=');
            parameters.put(p.substring(0, eq), p.substring(eq + 1));
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return JobRequested.newBuilder().setRunId(runId).setJobName(job).setJobType(type.toUpperCase()).setTrigger(Trigger.EXTERNAL)
                .setScheduledFor(scheduledFor).setRequestedAt(now).setDeadline(now.plus(Duration.ofMinutes(30)))
                .setRequestedBy("fault-suite").setParameters(parameters).build();
    }

    private static String topic(String type) {
        return Topics.JobType.parse(type).requestTopic();
    }

    private static int publish(List<String> args) throws Exception {
        String type = args.get(0);
        String job = args.get(1);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant scheduledFor = args.get(3).equals("now") ? now : Instant.parse(args.get(3));
        String runId = args.get(2).equals("auto") ? job + "@" + scheduledFor : args.get(2);
        JobRequested request = request(type, job, runId, scheduledFor, args.subList(4, args.size()));
        byte[] value = new EventSerializer().serialize(topic(type), request);
        Integer partition = System.getenv("PARTITION") == null ? null : Integer.valueOf(System.getenv("PARTITION"));
        int copies = Integer.parseInt(env("COPIES", "1"));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (int i = 0; i < copies; i++) {
                producer.send(new ProducerRecord<>(topic(type), partition, job, value)).get(30, TimeUnit.SECONDS);
            }
        }
        System.out.println(runId);
        return 0;
    }

    private static int publishMany(List<String> args) throws Exception {
        String type = args.get(0);
        String prefix = args.get(1);
        int count = Integer.parseInt(args.get(2));
        List<String> params = args.subList(3, args.size());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        EventSerializer serializer = new EventSerializer();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (int i = 0; i < count; i++) {
                String job = prefix + "-" + i;
                Instant at = now.minusMillis(i);
                JobRequested request = request(type, job, job + "@" + at, at, params);
                sent.add(producer.send(new ProducerRecord<>(topic(type), job, serializer.serialize(topic(type), request))));
                System.out.println(request.getRunId());
            }
            for (Future<RecordMetadata> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        return 0;
    }

    private static int raw(List<String> args) throws Exception {
        String spec = args.get(1);
        byte[] value;
        if (spec.startsWith("hex:")) {
            value = HexFormat.of().parseHex(spec.substring(4));
        } else if (spec.startsWith("random:")) {
            value = new byte[Integer.parseInt(spec.substring(7))];
            new Random().nextBytes(value);
        } else if (spec.startsWith("zeros:")) {
            value = new byte[Integer.parseInt(spec.substring(6))];
        } else {
            throw new IllegalArgumentException("raw value must be hex:, random: or zeros:, got " + spec);
        }
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(args.get(0), args.size() > 2 ? args.get(2) : "poison", value)).get(30, TimeUnit.SECONDS);
        }
        return 0;
    }

    private static int poison(List<String> topics) throws Exception {
        Random random = new Random();
        byte[] small = new byte[64];
        byte[] large = new byte[900 * 1024];
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (String topic : topics) {
                random.nextBytes(small);
                random.nextBytes(large);
                for (byte[] value : List.of(HexFormat.of().parseHex("c3016dfbd6f124d953f88080808010"), small, large)) {
                    producer.send(new ProducerRecord<>(topic, "poison", value)).get(30, TimeUnit.SECONDS);
                }
            }
        }
        return 0;
    }

    /** Every record on a topic, from the beginning to the end offsets read at the start. */
    private static List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        return EventProbe.readAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA), topic, Duration.ofSeconds(60));
    }

    private static List<SpecificRecord> decode(List<ConsumerRecord<String, byte[]>> records) {
        EventDeserializer deserializer = new EventDeserializer();
        List<SpecificRecord> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                SpecificRecord e = deserializer.deserialize(r.topic(), r.value());
                if (e != null) {
                    events.add(e);
                }
            } catch (RuntimeException ignored) {
                // poison records the suite published itself
            }
        }
        return events;
    }

    private static String clean(Object value) {
        String s = value == null ? "-" : value.toString().replaceAll("[\\t\\r\\n]+", " ");
        return s.length() > 300 ? s.substring(0, 300) : s;
    }

    private static int events() {
        StringBuilder out = new StringBuilder();
        for (SpecificRecord e : decode(readAll(Topics.JOB_EVENTS))) {
            if (e instanceof JobStarted s) {
                out.append(String.join("\t", "STARTED", s.getRunId(), s.getJobName(), String.valueOf(s.getAttempt()), "-", "-", "-",
                        clean(s.getWorker()), String.valueOf(s.getStartedAt().toEpochMilli()), "-")).append('\n');
            } else if (e instanceof JobCompleted c) {
                out.append(String.join("\t", "COMPLETED", c.getRunId(), c.getJobName(), String.valueOf(c.getAttempt()), c.getStatus().name(),
                        c.getError() == null ? "-" : clean(c.getError().getType()), String.valueOf(c.getRetryable()), clean(c.getWorker()),
                        String.valueOf(c.getFinishedAt().toEpochMilli()),
                        clean(c.getError() != null ? c.getError().getMessage() : c.getMessage()))).append('\n');
            }
        }
        System.out.print(out);
        return 0;
    }

    private static int requests(String topic) {
        EventDeserializer deserializer = new EventDeserializer();
        StringBuilder out = new StringBuilder();
        for (ConsumerRecord<String, byte[]> r : readAll(topic)) {
            try {
                if (deserializer.deserialize(r.topic(), r.value()) instanceof JobRequested q) {
                    out.append(String.join("\t", q.getRunId(), q.getJobName(), String.valueOf(q.getAttempt()), String.valueOf(q.getScheduledFor()),
                            clean(q.getRequestedBy()), String.valueOf(r.timestamp()), String.valueOf(q.getTrigger()))).append('\n');
                }
            } catch (RuntimeException ignored) {
                // poison
            }
        }
        System.out.print(out);
        return 0;
    }

    private static int await(int seconds, List<String> runIds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Set<String> missing = new java.util.HashSet<>(runIds);
        while (true) {
            for (SpecificRecord e : decode(readAll(Topics.JOB_EVENTS))) {
                if (e instanceof JobCompleted c) {
                    missing.remove(c.getRunId());
                }
            }
            if (missing.isEmpty()) {
                return 0;
            }
            if (System.nanoTime() > deadline) {
                System.out.println("missing " + missing.size() + ": " + missing.stream().limit(5).toList());
                return 1;
            }
            Thread.sleep(1000);
        }
    }

    /**
     * The settings the Offsite classes on the classpath declare: every {@code @ConfigurationProperties} class under
     * {@code io.offsite}, its record components or fields in kebab case, nested records followed.
     */
    private static int settings() throws Exception {
        java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            java.nio.file.Path path = java.nio.file.Path.of(entry);
            List<String> classes = new ArrayList<>();
            if (java.nio.file.Files.isDirectory(path)) {
                try (var files = java.nio.file.Files.walk(path)) {
                    files.map(f -> path.relativize(f).toString()).filter(n -> n.startsWith("io/offsite/") && n.endsWith(".class")).forEach(classes::add);
                }
            } else if (entry.endsWith(".jar") && java.nio.file.Files.isRegularFile(path) && path.getFileName().toString().matches("(worker-core|backup-worker|rotation-worker).*")) {
                try (var jar = new java.util.jar.JarFile(path.toFile())) {
                    jar.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.startsWith("io/offsite/") && n.endsWith(".class")).forEach(classes::add);
                }
            }
            for (String c : classes) {
                try {
                    Class<?> type = Class.forName(c.replace('/', '.').replaceAll("\\.class$", ""), false, FaultProbe.class.getClassLoader());
                    var annotation = type.getAnnotation(org.springframework.boot.context.properties.ConfigurationProperties.class);
                    if (annotation != null) {
                        String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
                        collect(prefix, type, names, 0);
                    }
                } catch (Throwable ignored) {
                    // a class that does not load here is not a settings class
                }
            }
        }
        names.forEach(System.out::println);
        return 0;
    }

    private static void collect(String prefix, Class<?> type, java.util.Set<String> names, int depth) {
        List<java.util.Map.Entry<String, Class<?>>> members = new ArrayList<>();
        if (type.isRecord()) {
            for (var c : type.getRecordComponents()) {
                members.add(Map.entry(c.getName(), c.getType()));
            }
        } else {
            for (var f : type.getDeclaredFields()) {
                if (!java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    members.add(Map.entry(f.getName(), f.getType()));
                }
            }
        }
        for (var m : members) {
            String name = prefix + "." + m.getKey().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            names.add(name);
            if (depth < 3 && m.getValue().getName().startsWith("io.offsite.") && !m.getValue().isEnum()) {
                collect(name, m.getValue(), names, depth + 1);
            }
        }
    }

    private static ObjectStore store() {
        return new ObjectStore(StorageProperties.of(URI.create(env("S3_ENDPOINT", "http://127.0.0.1:9000")), "offsite", "offsite-secret",
                env("S3_BUCKET", "offsite-backups")));
    }

    private static int uploads(String prefix) {
        try (ObjectStore store = store()) {
            store.openUploads(prefix).forEach(System.out::println);
        }
        return 0;
    }

    private static int objects(String prefix) {
        try (ObjectStore store = store()) {
            for (StoredObject o : store.list(prefix)) {
                System.out.println(o.key() + "\t" + o.size());
            }
        }
        return 0;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
