package io.offsite.scheduler.kafka;

import io.offsite.events.RejectedEvents;
import io.offsite.events.serde.EventDecodingException;
import io.offsite.events.serde.EventDeserializer;
import io.offsite.scheduler.runs.Scheduler;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import io.offsite.events.v1.JobCompleted;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the event topic and every request topic from the beginning, without a consumer group, and
 * folds each event into the scheduler: on start-up this rebuilds the last fires, runs in flight and
 * pending retries; afterwards it keeps every replica's view current. Undecodable records are
 * counted and skipped (the workers dead-letter them; they carry no state for us).
 *
 * <p>Until it has read what was on the topics at start, the reader folds records in timestamp order across
 * partitions: a consumer fetches the same number of bytes from every partition, so read as fetched, the request
 * topics (one small record per attempt) would run days ahead of the event topic (two larger ones). A run would then
 * be requested long before its completion is read, and with the history bounded (per job and in all) its request
 * could be dropped before the completion arrives, losing the run's conclusion (last success, retry, dependents).
 * Each partition's records wait in a small buffer; a partition whose buffer is full is paused, so memory stays
 * bounded by {@link #BUFFERED_PER_PARTITION} whatever the topics hold. Afterwards records are folded as polled.
 */
class EventLogReader extends ConsumerLoop<String, byte[]> {

    static final int PHASE = 0;
    /** The {@code consumer} tag of this reader's rejected records. */
    static final String CONSUMER = "scheduler";
    private static final Logger log = LoggerFactory.getLogger(EventLogReader.class);
    /** Records of one partition held for the timestamp-ordered catch-up; beyond it the partition is paused. */
    static final int BUFFERED_PER_PARTITION = 1_000;
    /** Polls of at least this many records are decoded in parallel. */
    static final int PARALLEL_DECODING_FROM = 256;

    private final ConsumerFactory consumers;
    private final List<String> topics;
    private final Scheduler scheduler;
    private final RejectedEvents rejected;
    /** What {@link #reject} counted, for health: asking the registry searches every meter (thousands: per job). */
    private final LongAdder rejectedCount = new LongAdder();
    private final EventDeserializer deserializer = new EventDeserializer();
    private volatile Map<TopicPartition, Long> positions = Map.of();
    private volatile List<TopicPartition> assigned = List.of();
    private volatile Map<TopicPartition, Long> startupEnd;
    private volatile boolean caughtUp;
    /** Run after a poll past the catch-up folded completions: lets the leader decide their dependents at once. */
    private volatile Runnable afterCompletions = () -> { };
    /** Per partition, records polled but not yet folded during the catch-up; empty afterwards. */
    private final Map<TopicPartition, ArrayDeque<Decoded>> buffered = new HashMap<>();
    /** The same queues in the order of {@link #assigned}, for the merge's scan. */
    private ArrayDeque<Decoded>[] queues;
    private final Set<TopicPartition> paused = new HashSet<>();
    private boolean merging = true;
    private long folded;
    /** When the records being folded were polled; read from the scheduler's clock once per poll. */
    private Instant seenAt;
    private long startedNanos;
    private volatile Throwable failure;

    /** Creates the group-less consumer; separated so tests and configuration decide its properties. */
    interface ConsumerFactory {
        Consumer<String, byte[]> create();
    }

    EventLogReader(ConsumerFactory consumers, List<String> topics, Scheduler scheduler, RejectedEvents rejected) {
        this.consumers = consumers;
        this.topics = List.copyOf(topics);
        this.scheduler = scheduler;
        this.rejected = rejected;
    }

    @Override
    public synchronized void start() {
        consumer = consumers.create();
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        assigned = List.copyOf(partitions);
        startupEnd = Map.copyOf(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        @SuppressWarnings("unchecked")
        ArrayDeque<Decoded>[] ordered = new ArrayDeque[partitions.size()];
        for (int i = 0; i < ordered.length; i++) {
            ordered[i] = new ArrayDeque<>();
            buffered.put(partitions.get(i), ordered[i]);
        }
        queues = ordered;
        startedNanos = System.nanoTime();
        startLoop("scheduler-event-log", this::loop, (t, e) -> {
            failure = e;
            log.error("Event log reader stopped; this replica's state is no longer current", e);
        });
        log.info("Reading {} partitions of {} from the beginning", partitions.size(), topics);
    }

    private void loop() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(merging ? 50 : 200));
                if (!records.isEmpty()) {
                    seenAt = scheduler.now(); // every record of a poll was seen when it was polled
                }
                if (merging) {
                    catchUp(records);
                } else {
                    boolean completions = false;
                    for (Decoded decoded : decode(records)) {
                        fold(decoded);
                        completions |= decoded.event instanceof JobCompleted;
                    }
                    if (completions) {
                        afterCompletions.run();
                    }
                }
                Map<TopicPartition, Long> now = new HashMap<>();
                for (TopicPartition partition : consumer.assignment()) {
                    // during the catch-up, a partition is read up to its oldest record still waiting to be folded
                    Decoded waiting = merging ? buffered.get(partition).peekFirst() : null;
                    now.put(partition, waiting != null ? waiting.record.offset() : consumer.position(partition));
                }
                positions = Map.copyOf(now);
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /**
     * Buffers {@code records} and folds, oldest timestamp first, every record that no partition still being read
     * could precede: it stops as soon as a partition below its start-up end offset has nothing buffered.
     */
    private void catchUp(ConsumerRecords<String, byte[]> records) {
        List<Decoded> decoded = decode(records);
        int at = 0;
        for (TopicPartition partition : records.partitions()) {
            ArrayDeque<Decoded> queue = buffered.get(partition);
            for (int n = records.records(partition).size(); n > 0; n--) {
                queue.addLast(decoded.get(at++));
            }
        }
        boolean[] reading = new boolean[queues.length];
        boolean anyReading = false;
        for (int i = 0; i < queues.length; i++) {
            reading[i] = consumer.position(assigned.get(i)) < startupEnd.get(assigned.get(i));
            anyReading |= reading[i];
        }
        while (true) {
            ArrayDeque<Decoded> oldest = null;
            long oldestTimestamp = Long.MAX_VALUE;
            boolean waiting = false;
            for (int i = 0; i < queues.length; i++) {
                Decoded head = queues[i].peekFirst();
                if (head == null) {
                    if (reading[i]) {
                        waiting = true;
                        break;
                    }
                } else if (oldest == null || head.record.timestamp() < oldestTimestamp) {
                    oldest = queues[i];
                    oldestTimestamp = head.record.timestamp();
                }
            }
            if (waiting || oldest == null) {
                break;
            }
            fold(oldest.pollFirst());
            folded++;
        }
        for (TopicPartition partition : assigned) {
            int size = buffered.get(partition).size();
            if (size >= BUFFERED_PER_PARTITION && paused.add(partition)) {
                consumer.pause(List.of(partition));
            } else if (size < BUFFERED_PER_PARTITION / 2 && paused.remove(partition)) {
                consumer.resume(List.of(partition));
            }
        }
        if (!anyReading && buffered.values().stream().allMatch(ArrayDeque::isEmpty)) {
            merging = false;
            consumer.resume(paused);
            paused.clear();
            log.info("Read the event log up to its start-up end: {} records in {} ms ({} ms of CPU on this thread)", folded,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos),
                    TimeUnit.NANOSECONDS.toMillis(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime()));
        }
    }

    /** A polled record and its event, or why it could not be decoded. */
    private record Decoded(ConsumerRecord<String, byte[]> record, SpecificRecord event, EventDecodingException failure) {
    }

    /**
     * Decodes a poll's records, on every core when there are many: decoding (with the codec's structural check) takes
     * most of the time of reading a long history, while folding must stay on this thread and in order.
     */
    private List<Decoded> decode(ConsumerRecords<String, byte[]> records) {
        List<ConsumerRecord<String, byte[]>> list = new ArrayList<>(records.count());
        for (TopicPartition partition : records.partitions()) { // partition by partition, in offset order
            list.addAll(records.records(partition));
        }
        Decoded[] decoded = new Decoded[list.size()];
        IntStream indexes = IntStream.range(0, decoded.length);
        (decoded.length >= PARALLEL_DECODING_FROM ? indexes.parallel() : indexes)
                .forEach(i -> decoded[i] = decode(list.get(i)));
        return Arrays.asList(decoded);
    }

    private Decoded decode(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null || record.value().length == 0) {
            return new Decoded(record, null, null);
        }
        try {
            return new Decoded(record, deserializer.deserialize(record.topic(), record.value()), null);
        } catch (EventDecodingException e) { // decoding is total: whatever the bytes, nothing else comes out
            return new Decoded(record, null, e);
        }
    }

    /**
     * Folds one record into the scheduler. A record that does not decode, that the scheduler ignores, or whose folding
     * fails is counted, logged and skipped: one record from the shared bus must never stop this reader, since a
     * replica whose reader stopped never becomes ready to lead.
     */
    private void fold(Decoded decoded) {
        ConsumerRecord<String, byte[]> record = decoded.record;
        if (decoded.failure != null) {
            reject(record, decoded.failure.reason(), decoded.failure.getMessage());
            return;
        }
        if (decoded.event == null) {
            reject(record, "empty", "a record without a value");
            return;
        }
        try {
            InboundEvents.apply(scheduler, record.topic(), decoded.event, seenAt).ifPresent(ignored -> reject(record, ignored.reason(), ignored.detail()));
        } catch (RuntimeException e) {
            log.error("Folding record {}-{}@{} failed; skipping it", record.topic(), record.partition(), record.offset(), e);
            reject(record, "unusable", e.toString());
        }
    }

    private void reject(ConsumerRecord<String, byte[]> record, String reason, String detail) {
        rejected.reject(CONSUMER, record.topic(), record.partition(), record.offset(), reason, detail);
        rejectedCount.increment();
    }

    /** The partitions this reader consumes. */
    List<TopicPartition> partitions() {
        return assigned;
    }

    /** Why the reader stopped, or null while it is healthy. */
    Throwable failure() {
        return failure;
    }

    /** Whether every partition in {@code targets} has been read up to its target offset. */
    boolean reached(Map<TopicPartition, Long> targets) {
        Map<TopicPartition, Long> current = positions;
        for (Map.Entry<TopicPartition, Long> target : targets.entrySet()) {
            Long position = current.get(target.getKey());
            if (position == null || position < target.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Whether everything that was on the topics when this reader started has been read. */
    /** What to run after a poll (past the catch-up) folded completions. */
    void afterCompletions(Runnable action) {
        afterCompletions = action;
    }

    boolean caughtUp() {
        if (!caughtUp && startupEnd != null && reached(startupEnd)) {
            caughtUp = true;
        }
        return caughtUp;
    }

    /** Records read and skipped since start, for health. */
    long rejected() {
        return rejectedCount.sum();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
