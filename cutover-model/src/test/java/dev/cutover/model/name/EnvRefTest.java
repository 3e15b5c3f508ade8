package dev.cutover.model.name;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EnvRefTest {

    @Test
    void environmentDefaultsToProduction() {
        assertThat(EnvRef.parse("shop")).isEqualTo(new EnvRef("shop", "production"));
        assertThat(EnvRef.parse("shop/staging").hostLabel()).isEqualTo("shop-staging");
    }

    @Test
    void namesMustBeDnsLabels() {
        assertThatThrownBy(() -> EnvRef.parse("Shop")).hasMessageStartingWith("app: 'Shop' (expected: a DNS label");
        assertThatThrownBy(() -> EnvRef.parse("shop/-x")).hasMessageStartingWith("env: '-x' (expected: a DNS label");
        assertThatThrownBy(() -> EnvRef.parse("shop/")).hasMessageStartingWith("env: '' (expected: a DNS label");
        assertThatThrownBy(() -> EnvRef.parse("a".repeat(40) + "/" + "b".repeat(30)))
                .hasMessageContaining("at most 63 characters");
    }
}
