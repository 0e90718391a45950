package io.offsite.replication.support;

import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.Trigger;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Replication requests as the scheduler (or another system) sends them. */
public final class Requests {

    static {
        // a test may build requests before any serializer exists in this JVM
        io.offsite.events.EventTrust.install();
    }

    private Requests() {
    }

    public static JobRequested replication(String job, Map<String, String> parameters) {
        Instant now = Instant.now();
        return JobRequested.newBuilder()
                .setRunId(job + "@" + now + "#" + UUID.randomUUID())
                .setJobName(job)
                .setJobType("REPLICATION")
                .setTrigger(Trigger.MANUAL)
                .setScheduledFor(now)
                .setRequestedAt(now)
                .setDeadline(now.plusSeconds(120))
                .setRequestedBy("test")
                .setParameters(parameters)
                .build();
    }
}
