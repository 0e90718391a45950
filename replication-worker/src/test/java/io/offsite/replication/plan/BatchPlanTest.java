package io.offsite.replication.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchPlanTest {

    @Test
    void unitsStartSmallAndDoubleUpToTheConfiguredSize() {
        BatchPlan plan = new BatchPlan(1_000_000, 100, 100);
        assertThat(IntStream.range(0, 6).map(plan::unitRows).toArray()).containsExactly(1_000, 2_000, 4_000, 8_000, 10_000, 10_000);
        assertThat(plan.unitRows()).isEqualTo(10_000);
    }

    @Test
    void unitsOfASmallTableStayBelowAnEighthOfIt() {
        BatchPlan plan = new BatchPlan(15_000, 100, 100);
        assertThat(IntStream.range(0, 5).map(plan::unitRows).toArray()).containsExactly(1_000, 1_900, 1_900, 1_900, 1_900);
        assertThat(new BatchPlan(3_000, 100, 100).unitRows(3)).as("never below the first unit").isEqualTo(1_000);
    }

    @Test
    void everyUnitIsAWholeNumberOfBatches() {
        BatchPlan plan = new BatchPlan(50_000, 7, 33);
        for (int i = 0; i < 10; i++) {
            assertThat(plan.unitRows(i) % 7).isZero();
            assertThat(plan.unitRows(i)).isBetween(7 * 10, 7 * 33);
        }
        assertThat(plan.unitRows(9)).isEqualTo(7 * 33);
    }

    @Test
    void smallConfiguredUnitsAreNeverExceeded() {
        BatchPlan plan = new BatchPlan(1_000, 100, 3);
        assertThat(IntStream.range(0, 4).map(plan::unitRows).toArray()).containsExactly(300, 300, 300, 300);
        assertThat(new BatchPlan(10, 1, 1).unitRows(5)).isEqualTo(1);
    }

    @Test
    void batchesAreCountedAsTheOriginalCountedThem() {
        BatchPlan plan = new BatchPlan(15_000, 100, 100);
        assertThat(plan.batches()).isEqualTo(150);
        assertThat(plan.batchOf(0)).isEqualTo(1);
        assertThat(plan.batchOf(14_999)).isEqualTo(150);
        assertThat(new BatchPlan(0, 100, 100).batches()).isZero();
    }
}
