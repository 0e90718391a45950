package io.offsite.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.localstack.LocalStack;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * Who may call the scheduler: every mapped endpoint wants the token (enumerated from the running app, so a new
 * endpoint cannot escape), health status and the Prometheus scrape stay open; callers set only allow-listed
 * parameters; bodies are read strictly; unexpected errors reveal nothing; start-up refuses to run without a token.
 */
@Timeout(180)
@ExtendWith(OutputCaptureExtension.class)
class ApiSecurityIT {

    private static final String WRONG = "Bearer wrong-token-0123456789abcdef";

    @Test
    void everyEndpointWantsTheTokenAndCallersSetOnlyAllowedParameters(CapturedOutput output) {
        String job = "it-sec-" + UUID.randomUUID().toString().substring(0, 8);
        String j = "--offsite.scheduler.jobs." + job + ".";
        try (var scheduler = SchedulerInstance.start("sec", "it-sec-" + UUID.randomUUID(), "--offsite.test.failing-endpoint=true",
                j + "type=REPLICATION", j + "timeout=1m", j + "parameters.source=configured-source", j + "parameters.mode=incremental",
                j + "caller-parameters=mode")) {

            // every controller mapping, as the running application has them
            RequestMappingHandlerMapping mapping = scheduler.context()
                    .getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
            List<String[]> endpoints = new ArrayList<>();
            Set<String> paths = new TreeSet<>();
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (String pattern : info.getPatternValues()) {
                    paths.add(pattern);
                    for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.GET) : methods) {
                        endpoints.add(new String[] {method.name(), pattern.replaceAll("\\{[^}]+}", "x")});
                    }
                }
            }
            assertThat(paths).contains("/api/v1/jobs", "/api/v1/jobs/{name}/runs", "/api/v1/runs", "/api/v1/runs/{runId}",
                    "/api/v1/backups/stats", FailingEndpoint.PATH);
            for (String[] endpoint : endpoints) {
                String what = endpoint[0] + " " + endpoint[1];
                var missing = scheduler.request(endpoint[0], endpoint[1], null);
                assertThat(missing.status()).as("%s without a token: %s", what, missing.body()).isEqualTo(401);
                assertThat(missing.contentType()).as(what).startsWith("application/problem+json");
                assertThat(missing.header("WWW-Authenticate")).as(what).startsWith("Bearer");
                var wrong = scheduler.request(endpoint[0], endpoint[1], null, "Authorization", WRONG);
                assertThat(wrong.status()).as("%s with a wrong token", what).isEqualTo(401);
                assertThat(wrong.header("WWW-Authenticate")).as(what).contains("error=\"invalid_token\"");
            }
            for (String path : List.of("/api/v1/jobs", "/api/v1/runs", "/api/v1/backups/stats")) {
                assertThat(scheduler.get(path).status()).as(path).isEqualTo(200);
            }
            assertThat(scheduler.get("/api/v1/runs/x").status()).isEqualTo(404);
            assertThat(scheduler.request("GET", "/api/v1/jobs", null, "Authorization", "bearer  " + SchedulerInstance.TOKEN + " ")
                    .status()).as("scheme is case-insensitive").isEqualTo(200);
            assertThat(scheduler.request("GET", "/api/v1/jobs", null, "Authorization", "Basic " + SchedulerInstance.TOKEN).status())
                    .isEqualTo(401);

            // beyond the controllers: deny by default, open only for probes, scrapers, the API description and the
            // dashboard's static files (exact paths: nothing below or beside them)
            for (String path : List.of("/actuator", "/actuator/metrics", "/actuator/info", "/api/v1/nothing-here", "/index.htm",
                    "/index.html/x", "//api/v1/jobs", "/dashboard.js/../api/v1/jobs", "/openapi.yaml/../api/v1/jobs",
                    "/actuator/health/../../api/v1/jobs", "/actuator/health;x=1/../../api/v1/jobs")) {
                assertThat(scheduler.request("GET", path, null).status()).as(path).isIn(400, 401);
            }
            for (String path : List.of("/", "/index.html", "/dashboard.js", "/dashboard.css")) {
                var file = scheduler.request("GET", path, null, "Accept", "text/html,*/*");
                assertThat(file.status()).as(path).isEqualTo(200);
                assertThat(file.body()).as(path).doesNotContain(SchedulerInstance.TOKEN);
                assertThat(file.header("Content-Security-Policy")).as(path).contains("default-src 'none'");
            }
            assertThat(scheduler.get("/actuator/metrics").status()).isEqualTo(200);
            assertThat(scheduler.request("GET", "/actuator/prometheus", null).body()).contains("offsite_scheduler_leader");
            assertThat(scheduler.request("GET", "/openapi.yaml", null).status()).isEqualTo(200);
            assertThat(scheduler.request("GET", "/actuator/health/liveness", null).status()).isEqualTo(200);
            assertThat(scheduler.request("GET", "/actuator/health/readiness", null).status()).isEqualTo(200);
            JsonNode anonymousHealth = scheduler.request("GET", "/actuator/health", null).json();
            assertThat(anonymousHealth.has("status")).isTrue();
            assertThat(anonymousHealth.has("components")).as("no details without the token: %s", anonymousHealth).isFalse();
            assertThat(scheduler.request("GET", "/actuator/health/scheduler", null).json().has("details")).isFalse();
            assertThat(scheduler.request("GET", "/actuator/health", null, "Authorization", WRONG).json().has("components")).isFalse();
            assertThat(scheduler.get("/actuator/health/scheduler").json().get("details").has("leader")).isTrue();

            // the allow-list: only mode may be set; the configured source stays
            String runs = "/api/v1/jobs/" + job + "/runs";
            JsonNode listed = null;
            for (JsonNode candidate : scheduler.get("/api/v1/jobs").json()) {
                if (candidate.get("name").asString().equals(job)) {
                    listed = candidate;
                }
            }
            assertThat(listed).isNotNull();
            assertThat(listed.get("callerParameters").get(0).asString()).isEqualTo("mode");
            var refused = scheduler.post(runs, "{\"parameters\":{\"source\":\"someone-elses-db\",\"mode\":\"full\"}}");
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.json().get("detail").asString()).contains("'source'", "job '" + job + "'", "allowed: [mode]");
            assertThat(refused.json().get("rejected").get(0).asString()).isEqualTo("source");
            var none = scheduler.post("/api/v1/jobs/backup-database/runs", "{\"parameters\":{\"source\":\"x\",\"key\":\"y\"}}");
            assertThat(none.status()).isEqualTo(400);
            assertThat(none.json().get("detail").asString()).contains("parameters 'key', 'source' are", "allows none",
                    "offsite.scheduler.jobs.backup-database.caller-parameters");
            var allowed = scheduler.post(runs, "{\"parameters\":{\"mode\":\"full\"}}");
            assertThat(allowed.status()).as(allowed.body()).isEqualTo(202);
            JsonNode run = scheduler.get("/api/v1/runs/" + allowed.json().get("runId").asString()).json();
            assertThat(run.get("parameters").get("mode").asString()).isEqualTo("full");
            assertThat(run.get("parameters").get("source").asString()).isEqualTo("configured-source");
            assertThat(scheduler.post("/api/v1/jobs/no-such-job/runs", "{\"parameters\":{\"mode\":\"full\"}}").status()).isEqualTo(404);

            // the body, strictly
            var unknownFields = scheduler.post(runs, "{\"parameters\":{},\"priority\":1,\"source\":\"x\"}");
            assertThat(unknownFields.status()).isEqualTo(400);
            assertThat(unknownFields.json().get("detail").asString()).contains("unknown fields 'priority', 'source'", "[parameters]");
            var malformed = scheduler.post(runs, "{\n  \"parameters\": {\"mode\": }\n}");
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(malformed.contentType()).startsWith("application/problem+json");
            assertThat(malformed.json().get("detail").asString()).contains("not valid JSON at line 2, column");
            assertThat(malformed.json().get("line").asInt()).isEqualTo(2);
            assertThat(scheduler.post(runs, "{\"parameters\":{\"mode\":1}}").json().get("detail").asString())
                    .contains("parameter 'mode' must be a JSON string, was a number");
            assertThat(scheduler.post(runs, "{\"parameters\":{\"mode\":\"a\",\"mode\":\"b\"}}").status()).isEqualTo(400);
            assertThat(scheduler.post(runs, "[]").status()).isEqualTo(400);
            assertThat(scheduler.post(runs, "{} trailing").status()).isEqualTo(400);

            // an unexpected failure: 500 problem, an error id, nothing of the cause; the log has it all
            var failed = scheduler.get(FailingEndpoint.PATH);
            assertThat(failed.status()).isEqualTo(500);
            assertThat(failed.contentType()).startsWith("application/problem+json");
            String errorId = failed.json().get("errorId").asString();
            assertThat(failed.body()).contains(errorId).doesNotContain("10.1.2.3", "secret-db", "IllegalStateException", "FailingEndpoint",
                    "at io.");
            assertThat(output.getAll()).contains("ERROR").contains("Unexpected error " + errorId + " answering GET " + FailingEndpoint.PATH)
                    .contains(FailingEndpoint.INTERNALS).contains("at io.offsite.scheduler.it.FailingEndpoint.fail");
        }
    }

    @Test
    void startUpRefusesAMissingOrShortTokenAndWarnsWhenAuthenticationIsDisabled(CapturedOutput output) {
        assertThatThrownBy(() -> SchedulerInstance.start("no-token", "it-sec-" + UUID.randomUUID(),
                "--offsite.scheduler.api-token=").close())
                .satisfies(e -> assertThat(messages(e)).contains("the HTTP API needs a token and none is set: set OFFSITE_SCHEDULER_API_TOKEN",
                        "offsite.scheduler.api-auth=disabled"));
        assertThatThrownBy(() -> SchedulerInstance.start("short-token", "it-sec-" + UUID.randomUUID(),
                "--offsite.scheduler.api-token=short").close())
                .satisfies(e -> assertThat(messages(e)).contains("offsite.scheduler.api-token is 5 characters long; it must have at least 16"));
        assertThatThrownBy(() -> SchedulerInstance.start("bad-allow-list", "it-sec-" + UUID.randomUUID(),
                "--offsite.scheduler.jobs.odd.type=BACKUP", "--offsite.scheduler.jobs.odd.caller-parameters=a b").close())
                .satisfies(e -> assertThat(messages(e)).contains("job 'odd', field 'caller-parameters'"));

        try (var open = SchedulerInstance.start("open", "it-sec-" + UUID.randomUUID(), "--offsite.scheduler.api-auth=disabled")) {
            assertThat(output.getAll()).containsPattern("WARN .*API authentication is DISABLED \\(offsite.scheduler.api-auth=disabled\\)");
            assertThat(open.request("GET", "/api/v1/jobs", null).status()).isEqualTo(200);
            assertThat(open.request("GET", "/actuator/health/scheduler", null).json().has("details")).isTrue();
        }
    }

    @Test
    void aMalformedWebhookUrlIsNeverShownBeyondSchemeAndHost(CapturedOutput output) {
        String url = "https://hook-user:hook-password@hooks.example.com/services/T0/secret-path?token=query-secret value";
        assertThatThrownBy(() -> SchedulerInstance.start("bad-webhook", "it-sec-" + UUID.randomUUID(),
                "--offsite.scheduler.webhook.url=" + url, "--spring.kafka.bootstrap-servers=" + LocalStack.kafka().bootstrapServers()).close())
                .satisfies(e -> assertThat(messages(e)).contains("offsite.scheduler.webhook.url is not a valid URL",
                        "https://hooks.example.com").doesNotContain("hook-password", "hook-user", "secret-path", "query-secret"));
        assertThat(output.getAll()).contains("offsite.scheduler.webhook.url is not a valid URL")
                .doesNotContain("hook-password", "secret-path", "query-secret");
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
