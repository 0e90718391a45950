package io.offsite.launcher;

import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobStatus;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code offsite run <job> [--param k=v]... [--no-wait] [--timeout 10m]}: triggers a run through the scheduler's API
 * and waits on the event topic until it ends — through the scheduler's retries — exiting 0 on success. The API token
 * is {@code OFFSITE_SCHEDULER_API_TOKEN}, else the content of {@code --token-file} (default
 * {@code $OFFSITE_DATA_DIR/api-token}, i.e. {@code data/api-token}, which {@code offsite local} writes).
 *
 * <p>It joins no consumer group: the event topic's partitions are assigned and their end offsets taken before the
 * run is triggered (set up while the HTTP client and the token are prepared), then followed until the run's
 * completion arrives.
 */
@Command(name = "run", header = "trigger a job through the scheduler and wait for its completion",
        mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Trigger a job through the scheduler and wait for its completion (through the scheduler's retries).",
                "Exit status: 0 succeeded, 1 failed or timed out or the system cannot be reached, 2 wrong command line or unknown job,",
                "3 partly failed."})
final class RunCommand implements Callable<Integer> {

    static final int EXIT_FAILED = 1;
    static final int EXIT_PARTIAL = 3;

    @Parameters(index = "0", paramLabel = "<job>", description = "the job's name, as the scheduler lists it (GET /api/v1/jobs)")
    String job;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "a parameter of this run (repeatable)")
    List<String> params = new ArrayList<>();

    @Option(names = "--no-wait", description = "return once the scheduler accepted the run")
    boolean noWait;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Durations.Converter.class, defaultValue = "45m",
            description = "how long to wait for the completion: 90s, 10m, 2h or PT10M (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--api", paramLabel = "URL", description = "the scheduler (default: $OFFSITE_API, else http://127.0.0.1:8080)")
    String api;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "the scheduler's API token when OFFSITE_SCHEDULER_API_TOKEN is not set (default: $OFFSITE_DATA_DIR/api-token, else data/api-token)")
    Path tokenFile;

    @Mixin
    KafkaOptions kafkaOptions = new KafkaOptions();

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;
    private JsonMapper json;
    private HttpClient http;

    RunCommand(PrintStream out, PrintStream err) {
        this(out, err, System.getenv());
    }

    RunCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    /** Reads {@code args} (after {@code run}) and runs; a wrong command line throws {@link UsageException}. */
    int run(List<String> args) throws Exception {
        return OffsiteCli.parse(this, args).call();
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> parameters = new LinkedHashMap<>();
        params.forEach(p -> LocalOptions.addParameter(parameters, p));
        String api = this.api != null ? this.api : RestoreCommand.envValue(env, "OFFSITE_API", "http://127.0.0.1:8080");
        Path tokenFile = this.tokenFile != null ? this.tokenFile
                : Path.of(RestoreCommand.envValue(env, "OFFSITE_DATA_DIR", "data")).resolve(ApiToken.FILE_NAME);
        // the watch is set up (Kafka client, partitions, end offsets) while the HTTP side is prepared; the run is
        // triggered only once it is ready, so its completion cannot be missed
        CompletableFuture<CompletionWatch> watching = null;
        if (!noWait) {
            CliKafka bus = kafkaOptions.resolve(env);
            org.slf4j.LoggerFactory.getILoggerFactory(); // set up once, here, not by both threads at a time
            watching = CompletableFuture.supplyAsync(bus::watch);
        }
        CompletionWatch watch = null;
        try {
            String token = ApiToken.forCommand(tokenFile);
            json = JsonMapper.builder().build();
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            if (watching != null) {
                watch = join(watching);
            }
            JsonNode accepted = trigger(api, token, tokenFile, job, parameters);
            String runId = accepted.path("runId").asString();
            out.println("Requested " + job + ": run " + runId);
            if (watch == null) {
                return 0;
            }
            int maxAttempts = maxAttempts(api, token, job);
            return await(watch, runId, maxAttempts, timeout, api, tokenFile);
        } finally {
            if (watch != null) {
                watch.close();
            } else if (watching != null) {
                watching.thenAccept(CompletionWatch::close);
            }
        }
    }

    private static CompletionWatch join(CompletableFuture<CompletionWatch> watching) {
        try {
            return watching.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private JsonNode trigger(String api, String token, Path tokenFile, String job, Map<String, String> parameters)
            throws Exception {
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
            throw new CommandFailure("the scheduler does not answer at " + api + ": is Offsite running? Start it with 'bin/offsite local'.");
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
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
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

    private int await(CompletionWatch watch, String runId, int maxAttempts, Duration timeout, String api, Path tokenFile) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JobCompleted> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (JobCompleted completed : watch.poll(runId, Duration.ofMillis(Math.min(500, Math.max(1, (deadline - System.nanoTime()) / 1_000_000))))) {
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
}
