package io.offsite.worker.kafka;

import io.offsite.events.Topics.JobType;
import io.offsite.worker.job.JobHandler;
import io.offsite.worker.runtime.JobRunner;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.beans.BeansException;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;

/**
 * The request consumers of a worker, one per job handler, started and stopped together. On stop the consumers are
 * paused and every runner is shut down first (grace, then interrupt; all at once, so graces do not add up), the job
 * threads publish and commit what finished, then the containers stop, so no half-run job is acknowledged.
 */
public final class RequestConsumers implements SmartLifecycle, ApplicationContextAware {

    /** One handler's runner and the container feeding it. */
    record Consumer(JobType type, JobRunner runner, RequestListener requests,
                    KafkaMessageListenerContainer<String, SpecificRecord> container) {
    }

    /** How long a stopped run's job thread may still take to publish its completion and commit. */
    private static final java.time.Duration RUN_WRAP_UP = java.time.Duration.ofSeconds(30);

    private final List<Consumer> consumers;
    private volatile boolean running;

    RequestConsumers(List<Consumer> consumers) {
        this.consumers = List.copyOf(consumers);
    }

    /** The handlers, refusing two for one job type: requests of a type must go to exactly one handler. */
    static List<JobHandler> checkDistinctTypes(List<JobHandler> handlers) {
        Map<JobType, JobHandler> byType = new EnumMap<>(JobType.class);
        for (JobHandler handler : handlers) {
            JobHandler other = byType.putIfAbsent(handler.jobType(), handler);
            if (other != null) {
                throw new IllegalStateException("two job handlers for " + handler.jobType() + ": " + other.getClass().getName()
                        + " and " + handler.getClass().getName() + "; declare one handler per job type");
            }
        }
        return handlers;
    }

    /** The runner of a job type, when this worker handles it. */
    public java.util.Optional<JobRunner> runner(JobType type) {
        return consumers.stream().filter(c -> c.type() == type).map(Consumer::runner).findFirst();
    }

    /** The job types this worker consumes. */
    public List<JobType> types() {
        return consumers.stream().map(Consumer::type).toList();
    }

    @Override
    public void setApplicationContext(ApplicationContext context) throws BeansException {
        for (Consumer consumer : consumers) {
            consumer.container().setApplicationContext(context);
            consumer.container().setApplicationEventPublisher(context);
        }
    }

    @Override
    public void start() {
        for (Consumer consumer : consumers) {
            consumer.container().start();
        }
        running = true;
    }

    @Override
    public void stop() {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (Consumer consumer : consumers) {
            // no new request is taken; the consumer keeps polling (and committing) while the running jobs end
            consumer.container().pause();
            stopping.add(CompletableFuture.runAsync(() -> {
                consumer.runner().shutdown();
                consumer.requests().shutdown(RUN_WRAP_UP.toMillis());
            }));
        }
        stopping.forEach(CompletableFuture::join);
        for (Consumer consumer : consumers) {
            consumer.container().stop();
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // stops before anything it publishes with (the producer) and after every ordinary bean
        return Integer.MAX_VALUE - 100;
    }
}
