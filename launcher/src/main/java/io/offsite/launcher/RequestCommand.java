package io.offsite.launcher;

import io.offsite.events.Topics;
import io.offsite.events.Topics.JobType;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code offsite request <type> <job> [--param k=v]...}: publishes a {@code JobRequested} straight to the request
 * topic, as another system would, bypassing the scheduler, and waits for the worker's completion.
 */
final class RequestCommand {

    private final PrintStream out;
    private final PrintStream err;

    RequestCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        if (args.size() < 2 || args.get(0).startsWith("--") || args.get(1).startsWith("--")) {
            throw new UsageException("usage: offsite request <backup|rotation|replication|verify> <job> [--param key=value]... "
                    + "[--timeout DURATION] [--no-wait] [--kafka HOST:PORT] [--kafka-credentials FILE]");
        }
        JobType type;
        try {
            type = JobType.parse(args.get(0));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        String job = args.get(1);
        Map<String, String> parameters = new LinkedHashMap<>();
        Duration timeout = Duration.ofMinutes(30);
        boolean wait = true;
        String kafka = null;
        String kafkaCredentials = null;
        for (int i = 2; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--param" -> LocalOptions.addParameter(parameters, LocalOptions.value(args, ++i, "--param"));
                case "--timeout" -> timeout = Durations.parse(LocalOptions.value(args, ++i, "--timeout"));
                case "--no-wait" -> wait = false;
                case "--kafka" -> kafka = LocalOptions.value(args, ++i, "--kafka");
                case "--kafka-credentials" -> kafkaCredentials = LocalOptions.value(args, ++i, "--kafka-credentials");
                default -> throw new UsageException("unknown option for 'request': " + args.get(i));
            }
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        JobRequested request = JobRequested.newBuilder()
                .setRunId(job + "@" + now)
                .setJobName(job)
                .setJobType(type.name())
                .setTrigger(Trigger.EXTERNAL)
                .setScheduledFor(now)
                .setRequestedAt(now)
                .setDeadline(now.plus(timeout))
                .setRequestedBy("offsite-cli")
                .setParameters(parameters)
                .build();
        CliKafka bus = CliKafka.resolve(System.getenv(), kafka, kafkaCredentials);
        try (EventProbe probe = bus.probe(Role.REQUESTER)) {
            try {
                probe.send(type.requestTopic(), job, request);
            } catch (RuntimeException e) {
                throw bus.explain("publish to " + type.requestTopic(), e);
            }
            out.println("Published " + type.name() + " request " + request.getRunId() + " to " + type.requestTopic());
            if (!wait) {
                return 0;
            }
            JobCompleted done = probe.awaitCompletion(request.getRunId(), timeout.plusSeconds(30));
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
        } catch (AssertionError e) {
            err.println("offsite: " + e.getMessage());
            return RunCommand.EXIT_FAILED;
        }
    }
}
