package io.offsite.scheduler.inventory.listing;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the scheduler keeps its inventory of the bucket, under {@code offsite.scheduler.inventory}; the bucket itself
 * is {@code offsite.s3.*}, as for the workers (the scheduler only lists and reads {@code .verified} sidecars).
 *
 * @param interval    how often each series is listed in full (also at start); completions keep it current between
 * @param retry       how soon a failed listing is tried again (at most {@code interval})
 * @param prefixes    the folder of each series that is not in the folder of its own name, by series name, e.g.
 *                    {@code pokemon-data: backup-database/} (the backup worker's {@code series} of that source)
 */
@ConfigurationProperties("offsite.scheduler.inventory")
public record InventoryProperties(
        @DefaultValue("PT5M") Duration interval,
        @DefaultValue("PT30S") Duration retry,
        Map<String, String> prefixes) {

    public InventoryProperties {
        interval = interval == null ? Duration.ofMinutes(5) : interval;
        retry = retry == null ? Duration.ofSeconds(30) : retry;
        if (interval.isNegative() || interval.isZero() || retry.isNegative() || retry.isZero()) {
            throw new IllegalArgumentException("offsite.scheduler.inventory.interval and retry must be positive, were "
                    + interval + " and " + retry);
        }
        prefixes = prefixes == null ? Map.of() : Map.copyOf(prefixes);
    }
}
