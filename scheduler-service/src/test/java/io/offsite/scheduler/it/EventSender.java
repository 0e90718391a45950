package io.offsite.scheduler.it;

import io.offsite.events.EventTrust;
import io.offsite.events.Topics;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes events the way a worker or another system does: a plain producer with the project's serializer. */
final class EventSender implements AutoCloseable {

    static {
        EventTrust.install(); // its factories build Avro records before any application context has installed it
    }

    private final KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStack.kafka().bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
            new StringSerializer(), new EventSerializer());

    void completed(JobCompleted completion) throws Exception {
        producer.send(new ProducerRecord<>(Topics.JOB_EVENTS, completion.getJobName(), completion)).get(10, TimeUnit.SECONDS);
    }

    void requested(JobRequested request) throws Exception {
        producer.send(new ProducerRecord<>(Topics.JobType.parse(request.getJobType()).requestTopic(), request.getJobName(),
                request)).get(10, TimeUnit.SECONDS);
    }

    /** The request that asked for the run {@code completion} reports, as a system requesting one of our jobs publishes it. */
    static JobRequested requestOf(JobCompleted completion) {
        Instant scheduledFor = completion.getScheduledFor() != null ? completion.getScheduledFor() : completion.getFinishedAt();
        return JobRequested.newBuilder()
                .setRunId(completion.getRunId()).setJobName(completion.getJobName()).setJobType(completion.getJobType())
                .setAttempt(completion.getAttempt()).setTrigger(io.offsite.events.v1.Trigger.EXTERNAL)
                .setScheduledFor(scheduledFor).setRequestedAt(completion.getFinishedAt().minusSeconds(2))
                .setDeadline(completion.getFinishedAt().plusSeconds(60)).setRequestedBy("elsewhere")
                .build();
    }

    /** The completion a worker would publish for {@code request}. */
    static JobCompleted completionOf(JobRequested request, JobStatus status, boolean retryable) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return JobCompleted.newBuilder()
                .setRunId(request.getRunId()).setJobName(request.getJobName()).setJobType(request.getJobType())
                .setAttempt(request.getAttempt()).setStatus(status).setRetryable(retryable)
                .setStartedAt(now.minusMillis(10)).setFinishedAt(now).setWorker("test-worker")
                .setScheduledFor(request.getScheduledFor())
                .build();
    }

    /** A SUCCEEDED completion of a run nobody here requested, as another system reports it. */
    static JobCompleted succeeded(String job, String type, Instant scheduledFor) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return JobCompleted.newBuilder()
                .setRunId(job + "@" + scheduledFor).setJobName(job).setJobType(type)
                .setStatus(JobStatus.SUCCEEDED).setStartedAt(now.minus(Duration.ofSeconds(1))).setFinishedAt(now)
                .setWorker("elsewhere").setScheduledFor(scheduledFor)
                .build();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
