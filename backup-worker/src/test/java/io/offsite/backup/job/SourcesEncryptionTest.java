package io.offsite.backup.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.backup.config.BackupProperties;
import io.offsite.backup.config.BackupProperties.Encryption;
import io.offsite.backup.config.BackupProperties.Source;
import io.offsite.backup.config.BackupProperties.SourceType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A worker whose encryption setting is not a list of age recipients does not start; the message names the setting. */
class SourcesEncryptionTest {

    /** A recipient from the age specification's test vectors; any valid X25519 recipient does. */
    static final String RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
    /** The shape of an identity (what age-keygen writes into a key file); never a real key. */
    static final String IDENTITY = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";

    @Test
    void validRecipientsGlobalAndPerSourceStart() {
        Sources sources = new Sources(properties(List.of(RECIPIENT), Map.of("a", source(List.of(RECIPIENT)), "b", source(null))), null);
        assertThat(sources.encryption("a")).hasValueSatisfying(r -> assertThat(r.recipients()).containsExactly(RECIPIENT));
        assertThat(sources.encryption("b")).hasValueSatisfying(r -> assertThat(r.recipients()).containsExactly(RECIPIENT));
        assertThat(new Sources(properties(null, Map.of("c", source(List.of()))), null).encryption("c")).isEmpty();
    }

    @Test
    void aBadGlobalRecipientStopsTheStart() {
        assertThatThrownBy(() -> new Sources(properties(List.of(RECIPIENT, "age1nonsense"), Map.of("a", source(null))), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("offsite.backup.encryption: encryption recipient 2 ('age1nonsense') is not an age X25519 public key");
    }

    @Test
    void anIdentityInASourceStopsTheStartWithoutBeingShown() {
        assertThatThrownBy(() -> new Sources(properties(null, Map.of("a", source(null), "shop", source(List.of(IDENTITY)))), null))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("offsite.backup.sources.shop.encryption: encryption recipient 1 is an age identity (a private key)")
                .hasMessageContaining("age-keygen -y")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("GFPYYSJZ"));
    }

    private static BackupProperties properties(List<String> globalRecipients, Map<String, Source> sources) {
        return new BackupProperties(sources, Path.of("."), 0, null, null, null, null, null, null,
                globalRecipients == null ? null : new Encryption(globalRecipients));
    }

    private static Source source(List<String> recipients) {
        return new Source(SourceType.SQLITE, Path.of("x.db"), "series", "x", null, null, 0, null, null, null, null, null, null, null,
                recipients == null ? null : new Encryption(recipients));
    }
}
