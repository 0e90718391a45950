package io.offsite.scheduler.kafka;

import org.apache.kafka.clients.consumer.Consumer;
import org.springframework.context.SmartLifecycle;

/**
 * A Kafka consumer polled on a daemon thread of its own, started and stopped with the application context.
 * Subclasses create {@link #consumer} in {@code start()}, then call {@link #startLoop}; {@link #stop()} wakes the
 * consumer and waits for the loop to end (the loop closes the consumer on its way out).
 */
abstract class ConsumerLoop<K, V> implements SmartLifecycle {

    protected volatile boolean running;
    protected Consumer<K, V> consumer;
    private Thread thread;

    /** Runs {@code loop} on a new daemon thread named {@code name}; {@code onFailure} may be null. */
    protected final synchronized void startLoop(String name, Runnable loop, Thread.UncaughtExceptionHandler onFailure) {
        running = true;
        thread = new Thread(loop, name);
        thread.setDaemon(true);
        if (onFailure != null) {
            thread.setUncaughtExceptionHandler(onFailure);
        }
        thread.start();
    }

    @Override
    public void stop() {
        Thread toJoin;
        synchronized (this) {
            running = false;
            toJoin = thread;
            if (consumer != null) {
                consumer.wakeup();
            }
        }
        if (toJoin != null) {
            try {
                toJoin.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
