package io.offsite.scheduler.it;

import io.offsite.localstack.LocalStack;
import io.offsite.scheduler.SchedulerApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One running scheduler on the test broker and S3 store, on a free port, with short test timings. */
final class SchedulerInstance implements AutoCloseable {

    /** The API token of every instance unless a test sets {@code api-token} or {@code api-auth} itself. */
    static final String TOKEN = "it-api-token-0123456789abcdef";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ConfigurableApplicationContext context;
    private final String name;

    private SchedulerInstance(String name, ConfigurableApplicationContext context) {
        this.name = name;
        this.context = context;
    }

    /** Starts a scheduler; {@code group} isolates its leadership from other tests' schedulers. */
    static SchedulerInstance start(String name, String group, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.kafka.bootstrap-servers=" + LocalStack.kafka().bootstrapServers(),
                "--offsite.scheduler.instance-id=" + name,
                "--offsite.scheduler.leadership-group=" + group,
                "--offsite.scheduler.leadership-session-timeout=6s",
                "--offsite.scheduler.publish-timeout=5s",
                "--offsite.s3.endpoint=" + LocalStack.s3().endpoint(),
                "--offsite.s3.access-key=" + LocalStack.s3().accessKey(),
                "--offsite.s3.secret-key=" + LocalStack.s3().secretKey(),
                "--offsite.s3.bucket=" + LocalStack.s3().bucket()));
        if (Stream.of(extraArgs).noneMatch(a -> a.startsWith("--offsite.scheduler.api-token=")
                || a.startsWith("--offsite.scheduler.api-auth="))) {
            args.add("--offsite.scheduler.api-token=" + TOKEN);
        }
        if (Stream.of(extraArgs).noneMatch(a -> a.startsWith("--offsite.scheduler.tick-interval="))) {
            args.add("--offsite.scheduler.tick-interval=200ms");
        }
        args.addAll(List.of(extraArgs));
        return new SchedulerInstance(name, SchedulerApplication.application().run(args.toArray(String[]::new)));
    }

    String name() {
        return name;
    }

    ConfigurableApplicationContext context() {
        return context;
    }

    int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** A POST with the instance's token, unless {@code headers} name an {@code Authorization} of their own. */
    Response post(String path, String json, String... headers) {
        return request("POST", path, json, withToken(headers));
    }

    /** A GET with the instance's token. */
    Response get(String path) {
        return request("GET", path, null, withToken());
    }

    /** A request with exactly the given headers (no token unless among them). */
    Response request(String method, String path, String json, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(request.build());
    }

    private static String[] withToken(String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Authorization")) {
                return headers;
            }
        }
        List<String> all = new ArrayList<>(List.of(headers));
        all.addAll(List.of("Authorization", "Bearer " + TOKEN));
        return all.toArray(String[]::new);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    private static Response send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), response.headers());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Response(int status, String contentType, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            return JSON.readTree(body);
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
