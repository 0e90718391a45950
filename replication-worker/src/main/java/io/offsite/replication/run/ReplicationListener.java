package io.offsite.replication.run;

/** Where a replication reports progress, and how it learns that it must stop. */
public interface ReplicationListener {

    void info(String format, Object... args);

    void warn(String format, Object... args);

    /** Throws when the run must stop (deadline, shutdown). Called between units of work. */
    default void checkCancelled() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("replication cancelled");
        }
    }
}
