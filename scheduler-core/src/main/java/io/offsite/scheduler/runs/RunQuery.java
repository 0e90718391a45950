package io.offsite.scheduler.runs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * A page of the run history: runs newest first (by {@code requestedAt}, then run id), filtered by job, status and a
 * time range, starting after {@code after} when it is given.
 *
 * @param job    only runs of this job; null for all
 * @param status only runs in this status; null for all
 * @param from   only runs requested at or after this instant; null for no lower bound
 * @param to     only runs requested before this instant; null for no upper bound
 * @param size   most runs on the page
 * @param after  the position of the previous page's last run; null for the first page
 */
public record RunQuery(String job, RunStatus status, Instant from, Instant to, int size, Position after) {

    public RunQuery {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1");
        }
    }

    /** Where a run stands in the history's order; encoded as an opaque cursor for the next page. */
    public record Position(Instant requestedAt, String runId) {

        public Position {
            Objects.requireNonNull(requestedAt, "requestedAt");
            Objects.requireNonNull(runId, "runId");
        }

        static Position of(RunSummary run) {
            return new Position(run.requestedAt(), run.runId());
        }

        /** Newest first: a later instant comes first, then the greater run id. */
        int compareTo(Instant at, String id) {
            int byTime = at.compareTo(requestedAt);
            return byTime != 0 ? byTime : id.compareTo(runId);
        }

        public String encode() {
            String plain = requestedAt.toEpochMilli() + "|" + runId;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        }

        /** Decodes a cursor made by {@link #encode()}; throws {@link IllegalArgumentException} for anything else. */
        public static Position decode(String cursor) {
            try {
                String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                int bar = plain.indexOf('|');
                if (bar <= 0 || bar == plain.length() - 1) {
                    throw new IllegalArgumentException("not a cursor of this API");
                }
                return new Position(Instant.ofEpochMilli(Long.parseLong(plain.substring(0, bar))), plain.substring(bar + 1));
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                throw new IllegalArgumentException("not a cursor of this API: use the 'next' value of a previous page", e);
            }
        }
    }
}
