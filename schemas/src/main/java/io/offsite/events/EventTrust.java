package io.offsite.events;

import java.util.List;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro refuses to instantiate classes it was not told to trust. This adds Offsite's generated event classes to
 * the JVM-wide trusted set, keeping whatever was trusted before. The serde installs it when it is first loaded;
 * a program that builds events before it creates a serializer or deserializer calls {@link #install()} first.
 */
public final class EventTrust {

    private static final List<String> EVENT_CLASSES = List.of(
            "io.offsite.events.v1.JobRequested", "io.offsite.events.v1.JobStarted", "io.offsite.events.v1.JobCompleted",
            "io.offsite.events.v1.Artifact", "io.offsite.events.v1.JobError", "io.offsite.events.v1.Trigger",
            "io.offsite.events.v1.JobStatus");

    private static boolean installed;

    private EventTrust() {
    }

    public static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.Builder ours = ClassSecurityValidator.builder();
        EVENT_CLASSES.forEach(ours::add);
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), ours.build()));
        installed = true;
    }
}
