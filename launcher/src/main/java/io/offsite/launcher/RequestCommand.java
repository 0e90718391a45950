package io.offsite.launcher;

import io.offsite.events.Topics.JobType;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code offsite request <type> <job> [--param k=v]...}: publishes a {@code JobRequested} straight to the request
 * topic, as another system would, bypassing the scheduler, and waits for the worker's completion.
 */
@Command(name = "request", header = "publish a job request straight to Kafka, as another system would, and wait for its completion",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Publish a job request straight to Kafka, as another system would (bypassing the scheduler), and wait for",
                "the worker's completion. Exit status: 0 succeeded, 1 failed or timed out, 2 wrong command line, 3 partly failed."})
final class RequestCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "<backup|rotation|replication|verify>", description = "the job type: its request topic")
    String type;

    @Parameters(index = "1", paramLabel = "<job>", description = "the job's name, as the worker knows it")
    String job;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "a parameter of the request (repeatable)")
    List<String> params = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.Converter.class, defaultValue = "30m",
            description = "the request's deadline; the command waits 30 s longer (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--no-wait", description = "return once the broker has the request")
    boolean noWait;

    @Mixin
    KafkaOptions kafkaOptions = new KafkaOptions();

    private final PrintStream out;
    private final PrintStream err;

    RequestCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        JobType jobType;
        try {
            jobType = JobType.parse(type);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        params.forEach(p -> LocalOptions.addParameter(parameters, p));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        JobRequested request = JobRequested.newBuilder()
                .setRunId(job + "@" + now)
                .setJobName(job)
                .setJobType(jobType.name())
                .setTrigger(Trigger.EXTERNAL)
                .setScheduledFor(now)
                .setRequestedAt(now)
                .setDeadline(now.plus(timeout))
                .setRequestedBy("offsite-cli")
                .setParameters(parameters)
                .build();
        CliKafka bus = kafkaOptions.resolve(System.getenv());
        CompletionWatch watch = noWait ? null : bus.watch();
        try {
            publish(bus, jobType.requestTopic(), request);
            out.println("Published " + jobType.name() + " request " + request.getRunId() + " to " + jobType.requestTopic());
            if (watch == null) {
                return 0;
            }
            JobCompleted done = await(watch, request.getRunId(), timeout.plusSeconds(30));
            if (done == null) {
                err.println("offsite: no completion of run " + request.getRunId() + " within " + timeout.plusSeconds(30)
                        + "; is a worker for " + jobType.requestTopic() + " running?");
                return RunCommand.EXIT_FAILED;
            }
            PrintStream stream = done.getStatus() == JobStatus.SUCCEEDED ? out : err;
            String took = done.getStartedAt() == null ? "" : String.format(" in %.2f s",
                    Duration.between(done.getStartedAt(), done.getFinishedAt()).toMillis() / 1000.0);
            stream.println(job + ": " + done.getStatus() + took + (done.getError() != null
                    ? " — " + done.getError().getType() + ": " + done.getError().getMessage()
                    : done.getMessage() != null ? " — " + done.getMessage() : ""));
            done.getStats().forEach((k, v) -> stream.println("  " + k + " = " + v));
            return switch (done.getStatus()) {
                case SUCCEEDED -> 0;
                case PARTIALLY_FAILED -> RunCommand.EXIT_PARTIAL;
                default -> RunCommand.EXIT_FAILED;
            };
        } finally {
            if (watch != null) {
                watch.close();
            }
        }
    }

    /** Sends the request as the requester and waits for the broker's acknowledgement (no batching delay). */
    private static void publish(CliKafka bus, String topic, JobRequested request) {
        Map<String, Object> config = new HashMap<>(bus.access(Role.REQUESTER).clientConfig());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "offsite-cli");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) CompletionWatch.SETUP_TIMEOUT.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ProducerConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        KafkaProducer<String, byte[]> producer;
        try {
            producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        } catch (RuntimeException e) {
            throw bus.explain("publish to " + topic, e);
        }
        {
            try {
                producer.send(new ProducerRecord<>(topic, request.getJobName(), new EventSerializer().serialize(topic, request)))
                        .get(45, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw bus.explain("publish to " + topic, e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause()));
            } catch (RuntimeException e) {
                throw bus.explain("publish to " + topic, e);
            } catch (Exception e) {
                throw new CommandFailure("cannot publish to " + topic + ": " + e, e);
            } finally {
                producer.close(Duration.ofMillis(200));
            }
        }
    }

    private static JobCompleted await(CompletionWatch watch, String runId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<JobCompleted> found = watch.poll(runId, Duration.ofMillis(500));
            if (!found.isEmpty()) {
                return found.get(0);
            }
        }
        return null;
    }
}
