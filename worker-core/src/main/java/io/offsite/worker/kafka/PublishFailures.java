package io.offsite.worker.kafka;

import io.offsite.worker.runtime.UnpublishableEventException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.springframework.kafka.KafkaException;

/**
 * Tells a publishing failure that retrying cannot cure from one that may pass. Permanent: the record is too large
 * for the producer or the broker, cannot be serialized, names an invalid topic or one this client may not write.
 * Everything else (the broker unreachable, timeouts, leader elections, authentication) is taken as transient, so a
 * valid request is never given up because Kafka was briefly down.
 */
final class PublishFailures {

    private static final List<Class<? extends Throwable>> PERMANENT = List.of(
            RecordTooLargeException.class, RecordBatchTooLargeException.class, SerializationException.class,
            InvalidTopicException.class, AuthorizationException.class, InvalidRecordException.class);

    private PublishFailures() {
    }

    /** Whether {@code failure}, or any of its causes, is a failure retrying cannot cure. */
    static boolean isPermanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<? extends Throwable> permanent : PERMANENT) {
                if (permanent.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Sends with {@code sending} and waits up to {@code timeout} for the broker's acknowledgement. Throws an
     * {@link UnpublishableEventException} when the failure is permanent, a {@link KafkaException} when it may pass.
     */
    static void await(Supplier<? extends CompletableFuture<?>> sending, String what, Duration timeout) {
        try {
            sending.get().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing " + what, e);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("cannot publish " + what + ": no acknowledgement within " + timeout, e);
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
    }

    private static RuntimeException failure(String what, Throwable cause) {
        if (isPermanent(cause)) {
            return new UnpublishableEventException("cannot publish " + what + ", and retrying cannot help: " + cause, cause);
        }
        return new KafkaException("cannot publish " + what + ": " + cause.getMessage(), cause);
    }
}
