package dev.cutover.router;

import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.active;
import static dev.cutover.router.Tables.shop;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Each transport serves, keeps connections alive and drains; configurations that name none take the system
 * property's. The whole suite also runs on io_uring (the router module's second test run), which is where the
 * cases of what a transport must get right live.
 */
class TransportTest {

    @ParameterizedTest
    @EnumSource(Transport.class)
    void eachTransportProxiesKeepAliveRequestsAndSwitchesTargets(Transport transport) throws Exception {
        Assumptions.assumeTrue(runsHere(transport), () -> "no " + transport.flag() + " here");
        TestBackend blue = TestBackend.start("blue");
        TestBackend green = TestBackend.start("green");
        try (Router router = Router.start(RouterConfig.defaults("127.0.0.1", 0).withTransport(transport))) {
            assertThat(router.transport()).isEqualTo(transport == Transport.AUTO
                    ? (Epoll.isAvailable() ? "epoll" : "nio") : transport.flag());
            router.apply(table(1, shop(active("b1", blue))));
            try (HttpConnection client = HttpConnection.open(router.port())) {
                for (int i = 0; i < 20; i++) {
                    assertThat(client.get(HOST, "/").text()).isEqualTo("blue");
                }
                router.apply(table(2, shop(active("g1", green))));
                for (int i = 0; i < 20; i++) {
                    assertThat(client.get(HOST, "/").text()).isEqualTo("green");
                }
            }
            assertThat(blue.connectionsAccepted.get()).as("one pooled connection to blue").isEqualTo(1);
        } finally {
            blue.close();
            green.close();
        }
    }

    /** Through the router's own choice, so that Netty's io_uring classes load as they do in the router. */
    private static boolean runsHere(Transport transport) {
        try {
            transport.resolve();
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void configurationsThatNameNoTransportTakeTheSystemProperty() {
        String property = System.getProperty(Transport.PROPERTY);
        Transport expected = property == null ? Transport.AUTO : Transport.parse(property);
        assertThat(RouterConfig.defaults("127.0.0.1", 0).transport()).isEqualTo(expected);
    }

    @Test
    void anUnknownTransportIsRefusedWithTheNamesThatAreKnown() {
        assertThatThrownBy(() -> Transport.parse("kqueue"))
                .hasMessage("transport: 'kqueue' (expected: one of auto, io_uring, epoll, nio)");
        assertThat(List.of(Transport.values())).extracting(Transport::flag)
                .containsExactly("auto", "io_uring", "epoll", "nio");
    }
}
