package io.offsite.launcher;

import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.localstack.kafka.KafkaProvisioning.Role;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code offsite run <job> [--param k=v]... [--no-wait] [--timeout 10m]}: triggers a run through the scheduler's API
 * and waits on the event topic until it ends — through the scheduler's retries — exiting 0 on success. The API token
 * is {@code OFFSITE_SCHEDULER_API_TOKEN}, else the content of {@code --token-file} (default
 * {@code $OFFSITE_DATA_DIR/api-token}, i.e. {@code data/api-token}, which {@code offsite local} writes).
 */
final class RunCommand {

    static final int EXIT_FAILED = 1;
    static final int EXIT_PARTIAL = 3;

    private final JsonMapper json = JsonMapper.builder().build();
    private final PrintStream out;
    private final PrintStream err;

    private final Map<String, String> env;

    RunCommand(PrintStream out, PrintStream err) {
        this(out, err, System.getenv());
    }

    RunCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    int run(List<String> args) throws Exception {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            throw new UsageException("usage: offsite run <job> [--param key=value]... [--no-wait] [--timeout DURATION] [--token-file FILE]");
        }
        String job = args.get(0);
        Map<String, String> parameters = new LinkedHashMap<>();
        boolean wait = true;
        Duration timeout = Duration.ofMinutes(45);
        String api = LocalOptions.env("OFFSITE_API", "http://127.0.0.1:8080");
        Path tokenFile = Path.of(LocalOptions.env("OFFSITE_DATA_DIR", "data")).resolve(ApiToken.FILE_NAME);
        String kafka = null;
        String kafkaCredentials = null;
        for (int i = 1; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--no-wait" -> wait = false;
                case "--param" -> LocalOptions.addParameter(parameters, LocalOptions.value(args, ++i, "--param"));
                case "--timeout" -> timeout = Durations.parse(LocalOptions.value(args, ++i, "--timeout"));
                case "--api" -> api = LocalOptions.value(args, ++i, "--api");
                case "--kafka" -> kafka = LocalOptions.value(args, ++i, "--kafka");
                case "--token-file" -> tokenFile = Path.of(LocalOptions.value(args, ++i, "--token-file"));
                case "--kafka-credentials" -> kafkaCredentials = LocalOptions.value(args, ++i, "--kafka-credentials");
                default -> throw new UsageException("unknown option for 'run': " + args.get(i));
            }
        }
        String token = ApiToken.forCommand(tokenFile);
        EventProbe probe = wait ? CliKafka.resolve(env, kafka, kafkaCredentials).probe(Role.REQUESTER) : null;
        try {
            JsonNode accepted = trigger(api, token, tokenFile, job, parameters);
            String runId = accepted.path("runId").asString();
            int maxAttempts = maxAttempts(api, token, job);
            out.println("Requested " + job + ": run " + runId);
            if (!wait) {
                return 0;
            }
            return await(probe, runId, maxAttempts, timeout, api, tokenFile);
        } finally {
            if (probe != null) {
                probe.close();
            }
        }
    }

    private JsonNode trigger(String api, String token, Path tokenFile, String job, Map<String, String> parameters)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String body = json.writeValueAsString(Map.of("parameters", parameters));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + "/api/v1/jobs/" + job + "/runs"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new UsageException("the scheduler does not answer at " + api + ": is Offsite running? Start it with 'bin/offsite local'.");
        }
        if (response.statusCode() == 401) {
            throw new UsageException("the scheduler at " + api + " refused " + (token == null ? "a call without its API token"
                    : "the API token") + " (HTTP 401): set " + ApiToken.VARIABLE + " to the scheduler's token, or point "
                    + "--token-file at the api-token file 'bin/offsite local' writes into its data folder (tried " + tokenFile
                    + (Files.exists(tokenFile) ? "" : ", which does not exist") + ")");
        }
        if (response.statusCode() == 404 && "Unknown job".equals(parse(response.body()).path("title").asString(""))) {
            throw new UsageException(unknownJob(job, jobNames(api, token)));
        }
        if (response.statusCode() != 202) {
            JsonNode problem = parse(response.body());
            String detail = problem.path("detail").asString(response.body());
            throw new UsageException("the scheduler refused to run " + job + " (HTTP " + response.statusCode() + "): " + detail);
        }
        return parse(response.body());
    }

    /** Attempts the scheduler makes for a job (1 + its retries), from its job list; 1 when it cannot tell. */
    private int maxAttempts(String api, String token, String job) {
        try {
            for (JsonNode node : jobs(api, token)) {
                if (job.equals(node.path("name").asString())) {
                    return 1 + node.path("retries").asInt(0);
                }
            }
        } catch (Exception e) {
            err.println("offsite: cannot read the retries of " + job + " (" + e.getMessage() + "); waiting for the first attempt only");
        }
        return 1;
    }

    /** The scheduler's job list ({@code GET /api/v1/jobs}). */
    private JsonNode jobs(String api, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + "/api/v1/jobs")).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /api/v1/jobs answered HTTP " + response.statusCode());
        }
        return parse(response.body());
    }

    /** The names of the scheduler's jobs, in its order; null when it cannot tell. */
    private List<String> jobNames(String api, String token) {
        try {
            List<String> names = new ArrayList<>();
            for (JsonNode node : jobs(api, token)) {
                String name = node.path("name").asString("");
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
            return names;
        } catch (Exception e) {
            return null;
        }
    }

    /** What {@code run} says of a job the scheduler does not know (HTTP 404), with the jobs it does know. */
    static String unknownJob(String job, List<String> jobs) {
        String known = jobs == null ? "the scheduler did not list its jobs (GET /api/v1/jobs)"
                : jobs.isEmpty() ? "the scheduler has no jobs configured (offsite.jobs)"
                : "jobs: " + String.join(", ", jobs);
        return "no job '" + job + "' (HTTP 404); " + known;
    }

    /**
     * What {@code run} says when no completion arrived in time: the run may still be going, and where to look — the
     * scheduler's run API with the token header, or the backups in the bucket.
     */
    static String noCompletion(String runId, Duration timeout, String api, Path tokenFile) {
        String token = System.getenv(ApiToken.VARIABLE) != null ? "$" + ApiToken.VARIABLE : "$(cat " + tokenFile + ")";
        return "no completion of run " + runId + " within " + timeout + "; it may still be running. Its state: "
                + "curl -H \"Authorization: Bearer " + token + "\" " + api + "/api/v1/runs/" + runId
                + " ; what the bucket holds: bin/offsite backups";
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body);
        } catch (RuntimeException e) {
            return json.createObjectNode();
        }
    }

    private int await(EventProbe probe, String runId, int maxAttempts, Duration timeout, String api, Path tokenFile) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JobCompleted> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (JobCompleted completed : probe.completions(runId)) {
                if (seen.contains(completed)) {
                    continue;
                }
                seen.add(completed);
                report(completed);
                boolean retried = (completed.getStatus() == JobStatus.FAILED || completed.getStatus() == JobStatus.TIMED_OUT)
                        && completed.getRetryable() && completed.getAttempt() < maxAttempts;
                if (retried) {
                    out.println("  the scheduler retries it (attempt " + (completed.getAttempt() + 1) + " of " + maxAttempts + ")");
                    continue;
                }
                return switch (completed.getStatus()) {
                    case SUCCEEDED -> 0;
                    case PARTIALLY_FAILED -> EXIT_PARTIAL;
                    default -> EXIT_FAILED;
                };
            }
            sleep();
        }
        err.println(noCompletion(runId, timeout, api, tokenFile));
        return EXIT_FAILED;
    }

    private void report(JobCompleted c) {
        String took = c.getStartedAt() == null ? "" : String.format(" in %.1f s",
                Duration.between(c.getStartedAt(), c.getFinishedAt()).toMillis() / 1000.0);
        PrintStream stream = c.getStatus() == JobStatus.SUCCEEDED ? out : err;
        stream.println(c.getJobName() + " attempt " + c.getAttempt() + ": " + c.getStatus() + took);
        if (c.getError() != null) {
            stream.println("  " + c.getError().getType() + ": " + c.getError().getMessage());
        } else if (c.getMessage() != null) {
            stream.println("  " + c.getMessage());
        }
        c.getArtifacts().forEach(a -> stream.println("  s3://" + a.getBucket() + "/" + a.getKey() + "  " + a.getSizeBytes()
                + " bytes  sha256 " + a.getSha256()));
        c.getStats().forEach((k, v) -> stream.println("  " + k + " = " + v));
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
