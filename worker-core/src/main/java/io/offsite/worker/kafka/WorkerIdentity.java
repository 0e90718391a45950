package io.offsite.worker.kafka;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Names a worker instance in events: {@code application@host:pid#n}, unique even for several instances in one JVM. */
final class WorkerIdentity {

    private static final java.util.concurrent.atomic.AtomicInteger instances = new java.util.concurrent.atomic.AtomicInteger();

    private WorkerIdentity() {
    }

    static String of(String application) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        int n = instances.incrementAndGet();
        return application + "@" + host + ":" + ProcessHandle.current().pid() + (n > 1 ? "#" + n : "");
    }
}
