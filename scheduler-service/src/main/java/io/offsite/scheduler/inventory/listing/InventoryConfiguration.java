package io.offsite.scheduler.inventory.listing;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.scheduler.inventory.BackupInventory;
import io.offsite.scheduler.inventory.TrackedSeries;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The inventory of the bucket: the series the catalog's jobs name, the scheduler's own read-only client of the
 * bucket ({@code offsite.s3.*}: it lists and reads {@code .verified} sidecars, nothing else) and the lister.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({InventoryProperties.class, StorageProperties.class})
class InventoryConfiguration {

    @Bean(destroyMethod = "close")
    ObjectStore inventoryObjectStore(StorageProperties properties) {
        return new ObjectStore(properties);
    }

    @Bean
    BackupInventory backupInventory(JobCatalog catalog, InventoryProperties properties, StorageProperties storage, Clock clock) {
        return new BackupInventory(TrackedSeries.of(catalog, properties.prefixes()), storage.bucket(), clock);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    BucketLister bucketLister(ObjectStore inventoryObjectStore, BackupInventory inventory, InventoryProperties properties,
            Clock clock, MeterRegistry meters) {
        return new BucketLister(inventoryObjectStore, inventory, properties, clock, meters);
    }
}
