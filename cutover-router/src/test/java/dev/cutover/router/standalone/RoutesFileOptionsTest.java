package dev.cutover.router.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.model.routing.Balance;
import dev.cutover.model.routing.Route;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The routes file's per-route options and its {@code tls} section. */
class RoutesFileOptionsTest {

    private static final String ROUTE = """
            routes:
              - environment: shop/production
                hosts: [shop.example.com]
                groups: [{ name: v1, targets: [127.0.0.1:8081] }]
            """;

    @Test
    void readsBalanceRedirectAndBodyLimit() {
        Route route = RoutesFile.parse(ROUTE + "    balance: round-robin\n    redirect-https: true\n"
                + "    max-body-size: 10m\n").get(0);
        assertThat(route.options().balance()).isEqualTo(Balance.ROUND_ROBIN);
        assertThat(route.options().redirectHttps()).isTrue();
        assertThat(route.options().maxBodyBytes()).isEqualTo(10L << 20);

        Route plain = RoutesFile.parse(ROUTE).get(0);
        assertThat(plain.options().balance()).isEqualTo(Balance.LEAST_OUTSTANDING);
        assertThat(plain.options().redirectHttps()).isFalse();
        assertThat(plain.options().maxBodyBytes()).isEqualTo(-1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            balance: random          | routes[0].balance: 'random' (expected: least-outstanding or round-robin)
            redirect-https: yes-please | routes[0].redirect-https: 'yes-please' (expected: true or false)
            max-body-size: ten       | routes[0].max-body-size: 'ten' (expected: a size in bytes, or with k, m or g (KiB, MiB, GiB), e.g. 10m)
            max-body-size: -5        | routes[0].max-body-size: -5 (expected: a size in bytes, or with k, m or g (KiB, MiB, GiB), e.g. 10m)
            """)
    void aBadOptionIsNamedWithWhatWasExpected(String line, String message) {
        assertThatThrownBy(() -> RoutesFile.parse(ROUTE + "    " + line + "\n")).hasMessage(message);
    }

    @Test
    void readsTheTlsSectionWithPathsRelativeToTheFile() {
        RoutesFile.Contents contents = RoutesFile.read(ROUTE + """
                tls:
                  port: 8443
                  certificates:
                    - { cert: certs/a.pem, key: certs/a.key }
                    - { cert: /etc/b.pem, key: /etc/b.key }
                  reload-interval: 30s
                """, Path.of("/srv/cutover"));
        assertThat(contents.tls().port()).isEqualTo(8443);
        assertThat(contents.tls().certificates()).extracting(c -> c.cert() + " " + c.key())
                .containsExactly("/srv/cutover/certs/a.pem /srv/cutover/certs/a.key", "/etc/b.pem /etc/b.key");
        assertThat(contents.tls().reloadInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(RoutesFile.read(ROUTE, Path.of(".")).tls()).isNull();
    }

    @Test
    void aBadTlsSectionIsNamed() {
        assertThatThrownBy(() -> RoutesFile.read(ROUTE + "tls: { port: 8443 }\n", Path.of(".")))
                .hasMessage("tls.certificates: missing (expected: a non-empty list of {cert: FILE, key: FILE})");
        assertThatThrownBy(() -> RoutesFile.read(ROUTE + "tls: { port: 0, certificates: [{cert: a, key: b}] }\n",
                Path.of("."))).hasMessage("tls.port: 0 (expected: a port from 1 to 65535)");
        assertThatThrownBy(() -> RoutesFile.read(ROUTE + "tls: { port: 1, certificates: [{cert: a}] }\n",
                Path.of("."))).hasMessage("tls.certificates[0].key: missing (expected: the path of a PEM private key)");
    }
}
