package io.offsite.replication.support;

import io.offsite.replication.run.ReplicationListener;

/** Listeners for runs whose progress lines nobody reads. */
public final class Listeners {

    private Listeners() {
    }

    /** Drops every line. */
    public static ReplicationListener quiet() {
        return new ReplicationListener() {
            @Override
            public void info(String format, Object... args) {
            }

            @Override
            public void warn(String format, Object... args) {
            }
        };
    }
}
