package io.offsite.scheduler.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * POSTs JSON to one URL with a bounded number of attempts: a connection failure, a timeout, 408, 429 or a
 * 5xx answer is tried again after a pause that doubles each time; any other non-2xx answer is final.
 */
final class WebhookClient {

    /** Pauses between attempts; tests replace it. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final HttpClient http;
    private final URI url;
    private final Duration timeout;
    private final int attempts;
    private final Duration backoff;
    private final Map<String, String> headers;
    private final Sleeper sleeper;

    WebhookClient(URI url, Duration timeout, int attempts, Duration backoff, Map<String, String> headers, Sleeper sleeper) {
        this.url = Objects.requireNonNull(url, "url");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("webhook url must be an absolute http(s) URL, was " + redacted(url));
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("webhook attempts must be at least 1, was " + attempts);
        }
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.attempts = attempts;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.headers = Map.copyOf(headers);
        this.sleeper = sleeper;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        request("{}"); // fails now, not on the first notification, when a configured header is not allowed
    }

    /** The URL without path, query and credentials, which may hold secrets: for logs and health details. */
    static String redacted(URI url) {
        if (url.getScheme() == null || url.getHost() == null) {
            return redacted(url.toString());
        }
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    /**
     * {@link #redacted(URI)} of text that may not even parse as a URL: scheme and host as far as they can be told
     * apart, never user info, path, query or fragment.
     */
    static String redacted(String url) {
        String text = url == null ? "" : url.strip();
        int schemeEnd = text.indexOf("://");
        if (schemeEnd < 0) {
            return "(no scheme://host)";
        }
        String scheme = text.substring(0, schemeEnd);
        String rest = text.substring(schemeEnd + 3);
        int end = rest.length();
        for (char stop : new char[] {'/', '?', '#', '\\'}) {
            int at = rest.indexOf(stop);
            if (at >= 0 && at < end) {
                end = at;
            }
        }
        String authority = rest.substring(0, end);
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        return (scheme.matches("[A-Za-z][A-Za-z0-9+.-]*") ? scheme : "?") + "://" + host;
    }

    String target() {
        return redacted(url);
    }

    /** Posts {@code json}, retrying as described above; returns how it ended, never throws for a failed delivery. */
    Delivery post(String json) {
        String problem = null;
        Duration pause = backoff;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                try {
                    sleeper.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Delivery(false, attempt - 1, problem + "; interrupted before attempt " + attempt);
                }
                pause = pause.multipliedBy(2);
            }
            try {
                int status = http.send(request(json), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 200 && status < 300) {
                    return new Delivery(true, attempt, null);
                }
                problem = "HTTP " + status;
                if (!(status == 408 || status == 429 || status >= 500)) {
                    return new Delivery(false, attempt, problem + " (not retried)");
                }
            } catch (HttpTimeoutException e) {
                problem = "no answer within " + timeout;
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + ": " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Delivery(false, attempt, "interrupted during attempt " + attempt);
            }
        }
        return new Delivery(false, attempts, problem);
    }

    private HttpRequest request(String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "offsite-scheduler")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(request::header);
        return request.build();
    }
}
