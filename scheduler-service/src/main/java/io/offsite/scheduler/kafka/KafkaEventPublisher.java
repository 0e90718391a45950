package io.offsite.scheduler.kafka;

import io.offsite.events.Topics;
import io.offsite.scheduler.runs.Completed;
import io.offsite.scheduler.runs.EventPublisher;
import io.offsite.scheduler.runs.Requested;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes requests to the request topic of their job type and completions to the event topic, keyed by job, as
 * their Avro events.
 */
class KafkaEventPublisher implements EventPublisher {

    private final KafkaTemplate<String, SpecificRecord> template;
    private final Duration timeout;

    KafkaEventPublisher(KafkaTemplate<String, SpecificRecord> template, Duration timeout) {
        this.template = template;
        this.timeout = timeout;
    }

    @Override
    public void publish(Requested request) {
        String topic = Topics.JobType.parse(request.jobType()).requestTopic();
        send(topic, request.jobName(), AvroEvents.toAvro(request));
    }

    @Override
    public void publish(Completed completion) {
        send(Topics.JOB_EVENTS, completion.jobName(), AvroEvents.toAvro(completion));
    }

    private void send(String topic, String key, SpecificRecord event) {
        try {
            template.send(topic, key, event).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new PublishFailedException("could not publish to " + topic + " within " + timeout, e);
        }
    }
}
