package io.offsite.worker.kafka;

import io.offsite.events.RequestLimits;
import io.offsite.events.v1.JobRequested;
import io.offsite.worker.runtime.JobRunner;
import io.offsite.worker.runtime.UnpublishableEventException;
import io.offsite.worker.runtime.WorkerShutdownException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.AcknowledgingMessageListener;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.Acknowledgment;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;

/**
 * Takes request records off the consumer thread: refuses what the runtime cannot answer (an empty record, another
 * event type, a request past the limits: thrown on the consumer thread and dead-lettered by the error handler) and
 * runs the rest on a job thread, so the consumer keeps polling while jobs run. That keeps the instance in its
 * consumer group's rebalances: a killed instance's partitions move after the session timeout even when every
 * survivor is busy, instead of after the longest running job.
 *
 * <p>A partition is paused while its request runs (its next request waits, as before), and the whole consumer is
 * paused while all job slots are taken. A finished run's offset is committed only if this consumer still owns the
 * partition: once it has been revoked or lost, the new owner runs the request again. A run whose completion cannot be
 * published for now is run again after a back-off, on its job thread; one that never can be is dead-lettered.
 */
final class RequestListener implements AcknowledgingMessageListener<String, SpecificRecord>, ConsumerAwareRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(RequestListener.class);

    static final String EMPTY = "empty";
    static final String NOT_A_REQUEST = "not-a-request";

    private final JobRunner runner;
    private final RequestLimits limits;
    private final RecordRejecter rejecter;
    private final String group;
    private final BackOff retries;
    private final int slots;
    private final ExecutorService jobs;
    private final Object lock = new Object();
    /** Incremented for a partition each time this consumer loses it: a run started under an older value may not commit. */
    private final Map<TopicPartition, Long> ownership = new HashMap<>();
    private int running;
    private volatile MessageListenerContainer container;

    RequestListener(JobRunner runner, RequestLimits limits, RecordRejecter rejecter, String group, BackOff retries, int slots,
                    String name) {
        this.runner = runner;
        this.group = group;
        this.limits = limits;
        this.rejecter = rejecter;
        this.retries = retries;
        this.slots = slots;
        AtomicInteger threads = new AtomicInteger();
        this.jobs = Executors.newFixedThreadPool(slots, r -> {
            Thread t = new Thread(r, name + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The container that feeds this listener, paused and resumed by it. */
    void attach(MessageListenerContainer container) {
        this.container = container;
    }

    @Override
    public void onMessage(ConsumerRecord<String, SpecificRecord> record, Acknowledgment acknowledgment) {
        JobRequested request = check(record);
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        long owned;
        synchronized (lock) {
            running++;
            container.pausePartition(partition);
            if (running >= slots) {
                container.pause();
            }
            owned = ownership.getOrDefault(partition, 0L);
        }
        try {
            jobs.execute(() -> run(record, request, acknowledgment, partition, owned));
        } catch (RejectedExecutionException e) {
            // stopping: the request is left uncommitted for another instance
            release(partition);
            throw new WorkerShutdownException("worker is stopping; request at " + where(record) + " left for another instance");
        }
    }

    /** The request in the record, or {@link RejectedRecordException} when the runtime cannot answer it. */
    JobRequested check(ConsumerRecord<String, SpecificRecord> record) {
        if (record.value() == null) {
            throw new RejectedRecordException(EMPTY, "record at " + where(record) + " is empty, not a JobRequested");
        }
        if (!(record.value() instanceof JobRequested request)) {
            throw new RejectedRecordException(NOT_A_REQUEST, "record at " + where(record) + " is a "
                    + record.value().getSchema().getName() + ", not a JobRequested");
        }
        limits.check(request).ifPresent(refusal -> {
            throw new RejectedRecordException(refusal.reason(), "request at " + where(record) + " refused: " + refusal.detail());
        });
        return request;
    }

    private void run(ConsumerRecord<String, SpecificRecord> record, JobRequested request, Acknowledgment acknowledgment,
                     TopicPartition partition, long owned) {
        BackOffExecution backOff = null;
        UnpublishableEventException unpublishable = null;
        try {
            while (true) {
                try {
                    if (unpublishable == null) {
                        runner.process(request);
                    } else {
                        rejecter.accept(record, group, unpublishable);
                    }
                    commit(record, acknowledgment, partition, owned);
                    return;
                } catch (UnpublishableEventException e) {
                    unpublishable = e;
                } catch (WorkerShutdownException e) {
                    log.info("{}; request at {} left uncommitted", e.getMessage(), where(record));
                    return;
                } catch (RuntimeException e) {
                    if (runner.isShuttingDown()) {
                        log.info("worker is stopping; request at {} left uncommitted after: {}", where(record), e.toString());
                        return;
                    }
                    if (backOff == null) {
                        backOff = retries.start();
                    }
                    long wait = backOff.nextBackOff();
                    if (wait == BackOffExecution.STOP) {
                        backOff = retries.start();
                        wait = backOff.nextBackOff();
                    }
                    log.warn("request at {} {} failed: {}; retrying in {} ms", where(record),
                            unpublishable == null ? "run" : "dead letter", e.toString(), wait);
                    Thread.sleep(Math.max(0, wait));
                    if (!owns(partition, owned)) {
                        log.info("partition {} moved to another consumer; its new owner runs the request at {}", partition, where(record));
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.info("worker is stopping; request at {} left uncommitted", where(record));
        } finally {
            release(partition);
        }
    }

    private void commit(ConsumerRecord<?, ?> record, Acknowledgment acknowledgment, TopicPartition partition, long owned) {
        synchronized (lock) {
            if (ownership.getOrDefault(partition, 0L) == owned) {
                acknowledgment.acknowledge();
                return;
            }
        }
        log.info("partition {} moved to another consumer while the request at {} ran; not committed here, its new owner "
                + "runs it again", partition, where(record));
    }

    private boolean owns(TopicPartition partition, long owned) {
        synchronized (lock) {
            return ownership.getOrDefault(partition, 0L) == owned;
        }
    }

    private void release(TopicPartition partition) {
        synchronized (lock) {
            running--;
            container.resumePartition(partition);
            container.resume();
        }
    }

    /** Before the container commits what was acknowledged: runs still going on these partitions may no longer commit. */
    @Override
    public void onPartitionsRevokedBeforeCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        disown(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        disown(partitions);
    }

    private void disown(Collection<TopicPartition> partitions) {
        synchronized (lock) {
            partitions.forEach(partition -> ownership.merge(partition, 1L, Long::sum));
        }
    }

    /** Jobs running now on this listener's job threads. */
    int running() {
        synchronized (lock) {
            return running;
        }
    }

    /**
     * After the runner has stopped its jobs: lets the job threads publish and commit what finished, then stops them
     * (a back-off wait is interrupted; its request stays uncommitted).
     */
    void shutdown(long waitMillis) {
        jobs.shutdown();
        try {
            if (!jobs.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                jobs.shutdownNow();
                jobs.awaitTermination(waitMillis, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            jobs.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
