package io.offsite.scheduler.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election through Kafka group membership: every replica joins one consumer group on a
 * single-partition topic; the member that is assigned the partition leads. No records are read
 * or written. A replica that stops leaves the group (an immediate rebalance); one that dies is
 * replaced after the session timeout.
 *
 * <p>On assignment the elector records the end offsets of the state topics: the new leader acts
 * only once its {@link EventLogReader} has read that far, so it sees every decision its predecessor
 * published. On revocation it waits for a running tick to finish before the rebalance completes.
 */
class LeadershipElector extends ConsumerLoop<byte[], byte[]> {

    static final int PHASE = EventLogReader.PHASE + 10;
    private static final Logger log = LoggerFactory.getLogger(LeadershipElector.class);

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final String topic;
    private final EventLogReader reader;
    private final Runnable awaitIdle;
    private volatile Map<TopicPartition, Long> catchUpTarget;

    LeadershipElector(Supplier<Consumer<byte[], byte[]>> consumers, String topic, EventLogReader reader, Runnable awaitIdle) {
        this.consumers = consumers;
        this.topic = topic;
        this.reader = reader;
        this.awaitIdle = awaitIdle;
    }

    /** True while this replica holds the leadership partition (it may still be catching up). */
    boolean leading() {
        return catchUpTarget != null;
    }

    /** True when this replica leads and has read everything published before it took over. */
    boolean readyToLead() {
        Map<TopicPartition, Long> target = catchUpTarget;
        return target != null && reader.reached(target);
    }

    @Override
    public synchronized void start() {
        consumer = consumers.get();
        consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    catchUpTarget = Map.copyOf(consumer.endOffsets(reader.partitions(), Duration.ofSeconds(10)));
                    log.info("Became scheduler leader; acting once the event log is read up to {}", catchUpTarget);
                }
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    stepDown("revoked");
                }
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    stepDown("lost");
                }
            }
        });
        startLoop("scheduler-leadership", this::loop, null);
    }

    private void stepDown(String why) {
        if (catchUpTarget != null) {
            catchUpTarget = null;
            awaitIdle.run();
            log.info("No longer scheduler leader (partition {})", why);
        }
    }

    private void loop() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(200));
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            stepDown("closed");
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(5)));
        }
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
