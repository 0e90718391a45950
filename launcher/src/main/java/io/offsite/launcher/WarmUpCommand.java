package io.offsite.launcher;

import io.offsite.events.Topics;
import io.offsite.events.serde.EventDeserializer;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.kafka.KafkaAccess;
import io.offsite.worker.storage.ObjectStore;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code offsite warm-up} (hidden): runs the command line's code once without touching the network — the help of
 * every command, a small retention plan, the event codecs, a Kafka consumer and producer, an S3 client, the HTTP
 * client and JSON — so that {@code bin/offsite} can record the classes it loads in a class-data archive
 * ({@code -XX:ArchiveClassesAtExit}) that later commands map instead of loading and verifying them again.
 */
@Command(name = "warm-up", hidden = true, description = "Load the command line's classes without touching the network (for the class-data archive).")
final class WarmUpCommand implements Callable<Integer> {

    /** Nothing listens on port 1 of loopback, and nothing here connects anyway. */
    private static final String NOWHERE = "127.0.0.1:1";

    @Override
    public Integer call() throws Exception {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        CommandLine cli = OffsiteCli.commandLine(nowhere, nowhere, new StringReader(
                "backup-database/pokemon-data-2025-01-14T00-00-00.000Z.sqlite3.db.gz\n2025-01-15T00:00:00Z\n"), Clock.systemUTC());
        cli.getSubcommands().values().forEach(CommandLine::getUsageMessage);
        cli.getUsageMessage();
        cli.execute("plan-retention", "--keep-daily", "7");
        cli.execute("schema", "JobCompleted");
        cli.execute("schema", "JobRequested", "--example");
        cli.execute("backups", "--no-such-option");

        JobCompleted completed = JobCompleted.newBuilder().setRunId("r").setJobName("j").setJobType("BACKUP").setStatus(JobStatus.SUCCEEDED)
                .setFinishedAt(Instant.now()).setWorker("w").build();
        new EventDeserializer().deserialize(Topics.JOB_EVENTS, new EventSerializer().serialize(Topics.JOB_EVENTS, completed));

        JsonMapper json = JsonMapper.builder().build();
        json.readTree(json.writeValueAsString(Map.of("parameters", Map.of("k", "v"))));
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest.newBuilder(URI.create("http://" + NOWHERE + "/api/v1/jobs")).timeout(Duration.ofSeconds(1)).GET().build();

        Map<String, Object> config = new HashMap<>(KafkaAccess.open(NOWHERE).clientConfig());
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer()).close(Duration.ZERO);
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer()).close(Duration.ZERO);
        try (ObjectStore store = RestoreCommand.openStore(Map.of("S3_ENDPOINT", "http://" + NOWHERE))) {
            store.toString();
        }
        return 0;
    }
}
