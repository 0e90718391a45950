package io.offsite.worker.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The counter {@code offsite_events_rejected_total{consumer,topic,reason}}: records a consumer refused. Its tags
 * are bounded: {@code consumer} is a configured consumer group, {@code topic} one of the Offsite topics the
 * consumer subscribes to, {@code reason} one of a fixed set of lower-case slugs.
 */
public final class RejectedEvents {

    public static final String METER = "offsite_events_rejected";

    private final MeterRegistry meters;

    public RejectedEvents(MeterRegistry meters) {
        this.meters = meters;
    }

    public void count(String consumer, String topic, String reason) {
        Counter.builder(METER)
                .description("Records a consumer refused (dead-lettered, skipped or rejected), by reason")
                .tag("consumer", consumer)
                .tag("topic", topic)
                .tag("reason", reason)
                .register(meters).increment();
    }
}
