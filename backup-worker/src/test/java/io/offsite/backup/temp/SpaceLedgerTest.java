package io.offsite.backup.temp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The reservation arithmetic, with the disk's free space and the files' sizes set by the test. */
class SpaceLedgerTest {

    static final long MB = 1024 * 1024;

    final AtomicLong free = new AtomicLong(1000 * MB);
    final Map<Path, Long> written = new HashMap<>();
    final SpaceLedger ledger = new SpaceLedger("test disk", free::get, p -> written.getOrDefault(p, 0L));
    final Path tmp = Path.of("/var/tmp/offsite/offsite-worker-1-a");

    @Test
    void twoReservationsThatTogetherExceedTheFreeSpaceMakeTheSecondFailUpFrontNamingBothNumbers() throws Exception {
        try (SpaceLedger.Reservation first = ledger.reserve("a snapshot of a.db", tmp.resolve("snapshot-1"), 600 * MB, 64 * MB)) {
            assertThatThrownBy(() -> ledger.reserve("a snapshot of b.db", tmp.resolve("snapshot-2"), 600 * MB, 64 * MB))
                    .isInstanceOfSatisfying(InsufficientDiskSpaceException.class, e -> {
                        assertThat(e.getMessage())
                                .contains("not enough free space in " + tmp + " for a snapshot of b.db")
                                .contains("needs 664.0 MB (" + 664 * MB + " bytes")
                                .contains("1000.0 MB (" + 1000 * MB + " bytes) free")
                                .contains("of which 600.0 MB (" + 600 * MB + " bytes) are reserved by 1 other running job(s)");
                        assertThat(e.freeBytes()).isEqualTo(1000 * MB);
                        assertThat(e.folder()).isEqualTo(tmp);
                    });
            assertThat(ledger.outstanding()).as("the refused one holds nothing").isEqualTo(1);
        }
        assertThat(ledger.outstanding()).isZero();
        ledger.reserve("a snapshot of b.db", tmp.resolve("snapshot-2"), 600 * MB, 64 * MB).close();
    }

    @Test
    void whatAReservationAlreadyWroteIsNotCountedTwice() throws Exception {
        Path first = tmp.resolve("snapshot-1");
        try (SpaceLedger.Reservation r = ledger.reserve("first", first, 600 * MB, 0)) {
            // the first job wrote 500 MB of its 600: the disk shows it, and only 100 MB remain held for it
            written.put(first, 500 * MB);
            free.set(500 * MB);
            assertThat(ledger.available()).isEqualTo(400 * MB);
            ledger.reserve("second", tmp.resolve("snapshot-2"), 400 * MB, 0).close();
            assertThatThrownBy(() -> ledger.reserve("third", tmp.resolve("snapshot-3"), 400 * MB + 1, 0))
                    .isInstanceOf(InsufficientDiskSpaceException.class);
            // a job that wrote more than it reserved holds nothing more
            written.put(first, 700 * MB);
            free.set(300 * MB);
            assertThat(ledger.available()).isEqualTo(300 * MB);
        }
    }

    @Test
    void anUnknownSizeChecksTheReserveAndHoldsNothing() throws Exception {
        free.set(50 * MB);
        assertThatThrownBy(() -> ledger.reserve("a dump", tmp.resolve("verify-1.tmp"), -1, 64 * MB))
                .isInstanceOf(InsufficientDiskSpaceException.class)
                .hasMessageContaining("unknown size plus 64.0 MB reserve");
        try (SpaceLedger.Reservation r = ledger.reserve("a dump", tmp.resolve("verify-1.tmp"), -1, 10 * MB)) {
            assertThat(r.bytes()).isZero();
            assertThat(ledger.available()).isEqualTo(50 * MB);
        }
    }

    @Test
    void closingTwiceReleasesOnce() throws Exception {
        SpaceLedger.Reservation a = ledger.reserve("a", tmp.resolve("a"), 100 * MB, 0);
        SpaceLedger.Reservation b = ledger.reserve("b", tmp.resolve("b"), 100 * MB, 0);
        a.close();
        a.close();
        assertThat(ledger.outstanding()).isEqualTo(1);
        assertThat(ledger.available()).isEqualTo(900 * MB);
        b.close();
    }
}
