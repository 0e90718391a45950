package io.offsite.replication.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoundaryDigestTest {

    static String digest(List<String> lines) {
        BoundaryDigest digest = new BoundaryDigest();
        lines.forEach(l -> digest.add(l.getBytes(StandardCharsets.UTF_8)));
        return digest.value();
    }

    @Test
    void theSameRowsInAnyOrderGiveTheSameDigest() {
        assertThat(digest(List.of("a\t1\n", "b\t2\n", "c\t3\n"))).isEqualTo(digest(List.of("c\t3\n", "a\t1\n", "b\t2\n")));
    }

    @Test
    void aChangedValueAMissingRowOrAnAddedRowChangeIt() {
        String rows = digest(List.of("a\t1\n", "b\t2\n"));
        assertThat(digest(List.of("a\t1\n", "b\t3\n"))).isNotEqualTo(rows);
        assertThat(digest(List.of("a\t1\n"))).isNotEqualTo(rows);
        assertThat(digest(List.of("a\t1\n", "b\t2\n", "c\t3\n"))).isNotEqualTo(rows);
        assertThat(rows).startsWith("2:").hasSize(2 + 64);
        assertThat(digest(List.of())).isEqualTo("0:" + "0".repeat(64));
    }
}
