package io.offsite.launcher;

import io.offsite.events.serde.EventSchemas;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.Trigger;
import java.io.PrintStream;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * {@code offsite schema <JobRequested|JobStarted|JobCompleted> [--example]}: prints the current self-contained
 * schema of an event with its CRC-64-AVRO fingerprint — what a producer in another language needs — and, with
 * {@code --example}, the single-object bytes of a sample request.
 */
final class SchemaCommand {

    private final PrintStream out;

    SchemaCommand(PrintStream out) {
        this.out = out;
    }

    int run(List<String> args) {
        if (args.isEmpty()) {
            throw new UsageException("usage: offsite schema <JobRequested|JobStarted|JobCompleted> [--example]");
        }
        Schema schema = switch (args.get(0)) {
            case "JobRequested" -> JobRequested.getClassSchema();
            case "JobStarted" -> JobStarted.getClassSchema();
            case "JobCompleted" -> JobCompleted.getClassSchema();
            default -> throw new UsageException("unknown event '" + args.get(0) + "': JobRequested, JobStarted or JobCompleted");
        };
        long fingerprint = EventSchemas.fingerprint(schema);
        if (args.contains("--example")) {
            if (!args.get(0).equals("JobRequested")) {
                throw new UsageException("--example is available for JobRequested");
            }
            Instant at = Instant.parse("2025-01-15T00:00:00Z");
            JobRequested request = JobRequested.newBuilder()
                    .setRunId("backup-database@2025-01-15T00:00:00Z").setJobName("backup-database").setJobType("BACKUP")
                    .setAttempt(1).setMaxAttempts(3).setTrigger(Trigger.EXTERNAL).setScheduledFor(at).setRequestedAt(at)
                    .setDeadline(at.plusSeconds(300)).setRequestedBy("billing-service")
                    .setParameters(Map.of("source", "pokemon-data")).build();
            byte[] bytes = new EventSerializer().serialize("offsite.requests.backup", request);
            out.println("# " + request);
            out.println("# header: C3 01, then the fingerprint " + String.format("%016x", fingerprint) + " as 8 little-endian bytes");
            out.println(HexFormat.ofDelimiter(" ").formatHex(bytes));
            return 0;
        }
        out.println("// " + schema.getFullName() + ", CRC-64-AVRO fingerprint " + String.format("%016x", fingerprint)
                + " (little-endian in the single-object header)");
        out.println(schema.toString(true));
        return 0;
    }
}
