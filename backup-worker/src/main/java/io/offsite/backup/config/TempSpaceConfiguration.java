package io.offsite.backup.config;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.backup.temp.TempSpaces;
import io.offsite.backup.temp.TempSweeper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The worker's temp folders ({@code offsite.backup.temp-dir}, and {@code offsite.verify.temp-dir} when set): swept at
 * start and every {@code temp-sweep-interval}, one locked folder of this process in each, removed at shutdown. Removed
 * leftovers are counted in {@code backup_temp_swept_total{kind}} and {@code backup_temp_swept_bytes_total{kind}}
 * ({@code kind}: {@code dead-instance} or {@code legacy}).
 */
@Configuration(proxyBeanMethods = false)
class TempSpaceConfiguration {

    @Bean(destroyMethod = "close")
    TempSpaces offsiteTempSpaces(BackupProperties backup, VerifyProperties verify, Clock clock, MeterRegistry registry) throws IOException {
        List<Path> dirs = new ArrayList<>();
        dirs.add(backup.tempDir());
        if (verify.tempDir() != null) {
            dirs.add(verify.tempDir());
        }
        Map<TempSweeper.Kind, Counter> removed = new EnumMap<>(TempSweeper.Kind.class);
        Map<TempSweeper.Kind, Counter> bytes = new EnumMap<>(TempSweeper.Kind.class);
        for (TempSweeper.Kind kind : TempSweeper.Kind.values()) {
            removed.put(kind, Counter.builder("backup_temp_swept").description("Temp folders and files that stopped processes left behind, removed")
                    .tag("kind", kind.tag()).register(registry));
            bytes.put(kind, Counter.builder("backup_temp_swept_bytes").description("Bytes of temp leftovers of stopped processes removed")
                    .baseUnit("bytes").tag("kind", kind.tag()).register(registry));
        }
        TempSweeper sweeper = new TempSweeper(clock, backup.tempLeftoverAge());
        TempSpaces spaces = new TempSpaces(dirs, sweeper, swept -> {
            removed.get(swept.kind()).increment();
            bytes.get(swept.kind()).increment(swept.bytes());
        });
        spaces.sweepEvery(backup.tempSweepInterval());
        return spaces;
    }
}
