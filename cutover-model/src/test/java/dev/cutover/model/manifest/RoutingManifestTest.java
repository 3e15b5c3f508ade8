package dev.cutover.model.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.model.json.Json;
import dev.cutover.model.routing.Balance;
import dev.cutover.model.routing.RouteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutingManifestTest {

    private static final String WEB = "processes: { web: ./server }\n";

    @Test
    void readsTheRoutingOptions() {
        RouteOptions routing = ManifestReader.parseYaml(WEB
                + "routing: { balance: round-robin, redirect-https: true, max-body-size: 512k }\n").routing();
        assertThat(routing).isEqualTo(new RouteOptions(Balance.ROUND_ROBIN, true, 512 * 1024));
        assertThat(ManifestReader.parseYaml(WEB).routing()).isEqualTo(RouteOptions.DEFAULT);
        assertThat(ManifestReader.parseYaml(WEB + "routing: { max-body-size: 100 }\n").routing().maxBodyBytes())
                .isEqualTo(100);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            routing: { balance: fastest }        | routing.balance: 'fastest' (expected: least-outstanding or round-robin)
            routing: { redirect-https: 1 }       | routing.redirect-https: 1 (expected: true or false)
            routing: { max-body-size: 10 MB }    | routing.max-body-size: '10 MB' (expected: a size in bytes, or with k, m or g (KiB, MiB, GiB), e.g. 10m)
            routing: { sticky: true }            | routing.sticky: unknown key (expected one of: balance, max-body-size, redirect-https)
            """)
    void aBadRoutingOptionIsNamed(String yaml, String message) {
        assertThatThrownBy(() -> ManifestReader.parseYaml(WEB + yaml + "\n")).hasMessage(message);
    }

    @Test
    void aManifestStoredWithoutRoutingReadsBackWithTheDefaults() throws Exception {
        Manifest m = ManifestReader.parseYaml(WEB);
        String json = Json.mapper().writeValueAsString(m).replaceAll(",\"routing\":\\{[^}]*}", "");
        assertThat(json).doesNotContain("routing");
        assertThat(Json.mapper().readValue(json, Manifest.class).routing()).isEqualTo(RouteOptions.DEFAULT);
    }
}
