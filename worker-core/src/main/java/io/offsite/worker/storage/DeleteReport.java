package io.offsite.worker.storage;

import java.util.List;
import java.util.Map;

/** What a batched delete did: every key deleted, and every key that failed with its reason. */
public record DeleteReport(List<String> deleted, Map<String, String> failed) {

    public DeleteReport {
        deleted = List.copyOf(deleted);
        failed = Map.copyOf(failed);
    }

    public boolean complete() {
        return failed.isEmpty();
    }
}
