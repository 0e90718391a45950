package io.offsite.launcher;

import io.offsite.events.Topics;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code offsite local --demo}: runs the whole chain once on the local system — a backup, the rotation its
 * completion triggers, and a replication triggered by a completion of the external {@code sync-missing-cards}
 * job, published here as another system would.
 */
final class Demo {

    private Demo() {
    }

    static boolean run(LocalOptions options, PrintStream out) {
        String credentials = options.open() ? null : options.kafkaCredentials().toString();
        java.util.Map<String, String> env = options.open() ? java.util.Map.of("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT") : java.util.Map.of();
        CliKafka bus = CliKafka.resolve(env, options.bootstrapServers(), credentials);
        // the completion of the external job is reported as an external system would, with its own user
        try (EventProbe probe = bus.probe(Role.EXTERNAL_REPORTER)) {
            out.println("Demo: backup-database, then rotate-backups (its dependency), then replicate-to-primary (after sync-missing-cards)");
            List<String> run = new java.util.ArrayList<>(List.of("backup-database", "--timeout", "5m",
                    "--api", "http://127.0.0.1:" + options.schedulerPort(), "--kafka", options.bootstrapServers(),
                    "--token-file", options.dataDir().resolve(ApiToken.FILE_NAME).toString()));
            if (credentials != null) {
                run.addAll(List.of("--kafka-credentials", credentials));
            }
            int backup = new RunCommand(out, System.err, env).run(run);
            if (backup != 0) {
                out.println("Demo: backup-database did not succeed; stopping the demo");
                return false;
            }
            JobCompleted rotation = probe.awaitCompletion(c -> c.getJobName().equals("rotate-backups"), Duration.ofMinutes(2),
                    "rotate-backups after the backup");
            out.println("Demo: rotate-backups " + rotation.getStatus() + ": " + rotation.getMessage());

            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            JobCompleted sync = JobCompleted.newBuilder()
                    .setRunId("sync-missing-cards@" + now)
                    .setJobName("sync-missing-cards")
                    .setJobType("EXTERNAL")
                    .setStatus(JobStatus.SUCCEEDED)
                    .setStartedAt(now)
                    .setFinishedAt(now)
                    .setWorker("offsite-demo")
                    .setMessage("stand-in for the card sync of another system")
                    .setScheduledFor(now)
                    .build();
            probe.send(Topics.JOB_EVENTS, sync.getJobName(), sync);
            out.println("Demo: published sync-missing-cards SUCCEEDED, as the card sync would");
            JobCompleted replication = probe.awaitCompletion(c -> c.getJobName().equals("replicate-to-primary"), Duration.ofMinutes(5),
                    "replicate-to-primary after sync-missing-cards");
            out.println("Demo: replicate-to-primary " + replication.getStatus() + ": " + replication.getMessage());
            boolean ok = rotation.getStatus() == JobStatus.SUCCEEDED && replication.getStatus() == JobStatus.SUCCEEDED;
            out.println(ok ? "Demo: the whole chain succeeded." : "Demo: the chain did not fully succeed; see the log above.");
            return ok;
        } catch (Exception e) {
            out.println("Demo failed: " + OffsiteCli.rootMessage(e));
            return false;
        }
    }
}
