package io.offsite.launcher;

import io.offsite.events.serde.EventSerializer;
import io.offsite.events.serde.PortableSchema;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.Trigger;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import org.apache.avro.Schema;

/**
 * {@code offsite schema <JobRequested|JobStarted|JobCompleted> [--example]}: prints the current self-contained
 * schema of an event — a valid {@code .avsc}, the same as {@code schemas/avsc/<Event>.avsc} — on standard output, and
 * its CRC-64-AVRO fingerprint with the single-object header on standard error, so {@code > Event.avsc} gives a file
 * any Avro library reads. With {@code --example}, the single-object bytes of a sample request.
 */
@Command(name = "schema", header = "print an event's self-contained Avro schema (.avsc) on stdout, its fingerprint on stderr",
        mixinStandardHelpOptions = true,
        description = {"Print an event's self-contained Avro schema (.avsc) on standard output, its CRC-64-AVRO fingerprint and",
                "single-object header on standard error."})
final class SchemaCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "<JobRequested|JobStarted|JobCompleted>", description = "the event")
    List<String> names = new ArrayList<>();

    @Option(names = "--example", description = "instead, the single-object encoded bytes of a sample JobRequested, in hex")
    boolean example;

    static final String USAGE = "usage: offsite schema <JobRequested|JobStarted|JobCompleted> [--example]";

    private final PrintStream out;
    private final PrintStream err;

    SchemaCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (names.size() != 1) {
            throw new UsageException(names.isEmpty() ? USAGE : "unexpected arguments " + names + "\n" + USAGE);
        }
        String name = names.get(0);
        Schema schema = PortableSchema.event(name);
        if (schema == null) {
            throw new UsageException("unknown event '" + name + "': JobRequested, JobStarted or JobCompleted");
        }
        String fingerprint = PortableSchema.fingerprintHex(schema);
        String header = HexFormat.ofDelimiter(" ").formatHex(PortableSchema.header(schema));
        if (example) {
            if (!name.equals("JobRequested")) {
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
            out.println("# header: C3 01, then the fingerprint " + fingerprint + " as 8 little-endian bytes");
            out.println(HexFormat.ofDelimiter(" ").formatHex(bytes));
            return 0;
        }
        out.print(PortableSchema.avsc(schema));
        out.flush();
        err.println(schema.getFullName() + ": CRC-64-AVRO fingerprint " + fingerprint + ", single-object header " + header);
        err.println("The schema on standard output is schemas/avsc/" + schema.getName() + ".avsc. The fingerprint is computed over"
                + " the Avro Parsing Canonical Form, where a primitive type is its bare name (\"long\", not"
                + " {\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}); a library that keeps such attributes computes"
                + " another fingerprint: compare with schemas/avsc/FINGERPRINTS.md.");
        return 0;
    }
}
