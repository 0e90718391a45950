package io.offsite.backup.catalog;

import io.offsite.backup.readback.SnapshotKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerificationRecordTest {

    @Test
    void roundTripsThroughJsonKeepingTableOrder() {
        Map<String, Long> tables = new LinkedHashMap<>();
        tables.put("sets", 150L);
        tables.put("pokemon_cards", 15000L);
        VerificationRecord record = VerificationRecord.ok("backup-database/x-2025-01-15T00-00-00.000Z.db.gz", Instant.parse("2025-01-15T02:00:03.120Z"),
                "a".repeat(64), "b".repeat(64), SnapshotKind.SQLITE, tables);

        String json = new String(record.toJson(), StandardCharsets.UTF_8);

        assertThat(json).contains("\"verifiedAt\":\"2025-01-15T02:00:03.120Z\"").contains("\"outcome\":\"OK\"")
                .contains("\"tables\":{\"sets\":150,\"pokemon_cards\":15000}");
        VerificationRecord read = VerificationRecord.fromJson(json.getBytes(StandardCharsets.UTF_8));
        assertThat(read).isEqualTo(record);
        assertThat(read.tables().keySet()).containsExactly("sets", "pokemon_cards");
    }

    @Test
    void failedRecordCarriesItsReasonAndUnknownFieldsAreIgnored() {
        String json = "{\"key\":\"k\",\"verifiedAt\":\"2025-01-15T02:00:00Z\",\"outcome\":\"FAILED\",\"reason\":\"checksum mismatch\",\"future\":1}";
        VerificationRecord read = VerificationRecord.fromJson(json.getBytes(StandardCharsets.UTF_8));
        assertThat(read.isOk()).isFalse();
        assertThat(read.reason()).isEqualTo("checksum mismatch");
        assertThat(read.tables()).isEmpty();
        assertThatThrownBy(() -> VerificationRecord.failed("k", Instant.EPOCH, " ", null)).hasMessageContaining("reason");
    }
}
