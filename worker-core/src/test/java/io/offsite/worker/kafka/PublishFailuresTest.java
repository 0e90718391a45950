package io.offsite.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.worker.runtime.UnpublishableEventException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.KafkaException;

class PublishFailuresTest {

    @Test
    void failuresRetryingCannotCureArePermanent() {
        assertThat(PublishFailures.isPermanent(new RecordTooLargeException("1051347 bytes"))).isTrue();
        assertThat(PublishFailures.isPermanent(new SerializationException("bad"))).isTrue();
        assertThat(PublishFailures.isPermanent(new InvalidTopicException("bad topic"))).isTrue();
        assertThat(PublishFailures.isPermanent(new TopicAuthorizationException("denied"))).isTrue();
        assertThat(PublishFailures.isPermanent(new KafkaException("send failed", new ExecutionException(new RecordTooLargeException("x")))))
                .as("found among the causes").isTrue();
    }

    @Test
    void anUnreachableBrokerIsTransient() {
        assertThat(PublishFailures.isPermanent(new TimeoutException("Topic not present in metadata after 30000 ms"))).isFalse();
        assertThat(PublishFailures.isPermanent(new NetworkException("disconnected"))).isFalse();
        assertThat(PublishFailures.isPermanent(new NotLeaderOrFollowerException("election"))).isFalse();
        assertThat(PublishFailures.isPermanent(new java.util.concurrent.TimeoutException())).isFalse();
        assertThat(PublishFailures.isPermanent(new IllegalStateException("unknown"))).isFalse();
    }

    @Test
    void awaitTellsThemApart() {
        assertThatThrownBy(() -> PublishFailures.await(() -> CompletableFuture.failedFuture(new RecordTooLargeException("big")), "x", Duration.ofSeconds(1)))
                .isInstanceOf(UnpublishableEventException.class).hasMessageContaining("retrying cannot help");
        assertThatThrownBy(() -> PublishFailures.await(() -> {
            throw new SerializationException("cannot serialize");
        }, "x", Duration.ofSeconds(1))).isInstanceOf(UnpublishableEventException.class);
        assertThatThrownBy(() -> PublishFailures.await(() -> CompletableFuture.failedFuture(new TimeoutException("expired")), "x", Duration.ofSeconds(1)))
                .isInstanceOf(KafkaException.class).isNotInstanceOf(UnpublishableEventException.class);
        assertThatThrownBy(() -> PublishFailures.await(CompletableFuture::new, "x", Duration.ofMillis(50)))
                .isInstanceOf(KafkaException.class).hasMessageContaining("no acknowledgement");
    }
}
