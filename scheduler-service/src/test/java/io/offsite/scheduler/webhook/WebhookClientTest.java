package io.offsite.scheduler.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against a real HTTP server on the loopback interface; pauses between attempts are recorded, not slept. */
@Timeout(30)
class WebhookClientTest {

    private final List<Duration> pauses = new ArrayList<>();

    private WebhookClient client(URI url, Duration timeout) {
        return new WebhookClient(url, timeout, 3, Duration.ofSeconds(1), Map.of("Authorization", "Bearer t0ken"),
                pauses::add);
    }

    @Test
    void aServerErrorIsRetriedAfterAPauseAndTheSameBodyDelivered() {
        try (var server = new RecordingServer(n -> n == 1 ? 500 : 204)) {
            Delivery delivery = client(server.url("/hooks/backup"), Duration.ofSeconds(5)).post("{\"status\":\"failure\"}");
            assertThat(delivery).isEqualTo(new Delivery(true, 2, null));
            assertThat(pauses).containsExactly(Duration.ofSeconds(1));
            assertThat(server.received()).hasSize(2).allSatisfy(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.path()).isEqualTo("/hooks/backup");
                assertThat(r.body()).isEqualTo("{\"status\":\"failure\"}");
                assertThat(r.headers().get("Content-type")).containsExactly("application/json");
                assertThat(r.headers().get("Authorization")).containsExactly("Bearer t0ken");
            });
        }
    }

    @Test
    void givesUpAfterTheConfiguredAttemptsWithDoublingPauses() {
        try (var server = new RecordingServer(n -> 503)) {
            Delivery delivery = client(server.url("/"), Duration.ofSeconds(5)).post("{}");
            assertThat(delivery).isEqualTo(new Delivery(false, 3, "HTTP 503"));
            assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
            assertThat(server.received()).hasSize(3);
        }
    }

    @Test
    void aClientErrorIsNotRetried() {
        try (var server = new RecordingServer(n -> 404)) {
            assertThat(client(server.url("/"), Duration.ofSeconds(5)).post("{}"))
                    .isEqualTo(new Delivery(false, 1, "HTTP 404 (not retried)"));
            assertThat(server.received()).hasSize(1);
        }
    }

    @Test
    void aSlowAnswerCountsAsAFailedAttempt() {
        try (var server = new RecordingServer(n -> 200, n -> n == 1 ? 2_000 : 0)) {
            Delivery delivery = client(server.url("/"), Duration.ofMillis(300)).post("{}");
            assertThat(delivery).isEqualTo(new Delivery(true, 2, null));
        }
    }

    @Test
    void aRefusedConnectionIsRetriedThenReported() {
        URI closed;
        try (var server = new RecordingServer(n -> 200)) {
            closed = server.url("/");
        }
        Delivery delivery = client(closed, Duration.ofSeconds(2)).post("{}");
        assertThat(delivery.delivered()).isFalse();
        assertThat(delivery.attempts()).isEqualTo(3);
        assertThat(delivery.problem()).contains("ConnectException");
    }

    @Test
    void onlyAbsoluteHttpUrlsAreAccepted() {
        assertThatThrownBy(() -> client(URI.create("ftp://user:secret@127.0.0.1/x"), Duration.ofSeconds(1)))
                .hasMessage("webhook url must be an absolute http(s) URL, was ftp://127.0.0.1");
        assertThat(WebhookClient.redacted(URI.create("https://user:pw@hooks.example.com:8443/T000/B000/secret?x=1")))
                .isEqualTo("https://hooks.example.com:8443");
    }

    @Test
    void textThatIsNoUrlIsShownAsSchemeAndHostAtMost() {
        assertThat(WebhookClient.redacted("https://user:p@ss word@hooks.example.com/T0/secret?token=a b#frag"))
                .isEqualTo("https://hooks.example.com");
        assertThat(WebhookClient.redacted("  http://hooks.example.com?token=x y")).isEqualTo("http://hooks.example.com");
        assertThat(WebhookClient.redacted("hooks.example.com/secret path")).isEqualTo("(no scheme://host)");
        assertThat(WebhookClient.redacted("ht tp://user:pw@h/x")).isEqualTo("?://h");
        // a URI that parses but has no host (an underscore makes the authority registry-based)
        assertThatThrownBy(() -> client(URI.create("https://user:secret@my_host/path-secret"), Duration.ofSeconds(1)))
                .hasMessage("webhook url must be an absolute http(s) URL, was https://my_host");
    }
}
