package dev.cutover.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A listening socket the router cannot open: the address, the port and why, in words, and nothing left running. */
class RouterListenTest {

    /** On epoll and NIO; the suite's io_uring run gets there through {@link #onTheTransportThisRunIsOn}. */
    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"AUTO", "NIO"})
    void aTakenPortIsNamedAndTheRouterStartsOnceItIsFree(Transport transport) throws Exception {
        takenPortThenFree(transport);
    }

    @Test
    void onTheTransportThisRunIsOn() throws Exception {
        takenPortThenFree(Transport.fromSystemProperty());
    }

    private static void takenPortThenFree(Transport transport) throws Exception {
        int port;
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            port = taken.getLocalPort();
            RouterConfig config = RouterConfig.defaults("127.0.0.1", port).withTransport(transport);

            assertThatThrownBy(() -> Router.start(config))
                    .isInstanceOf(ListenException.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + port
                            + ": the port is in use by another process; stop it, or pick another port")
                    .satisfies(e -> {
                        ListenException listen = (ListenException) e;
                        assertThat(listen.port()).isEqualTo(port);
                        assertThat(listen.reason()).isEqualTo(ListenException.Reason.PORT_IN_USE);
                        assertThat(listen.aboutThePort()).isTrue();
                    });
        }
        try (Router router = Router.start(RouterConfig.defaults("127.0.0.1", port).withTransport(transport))) {
            assertThat(router.port()).isEqualTo(port);
        }
    }

    @Test
    void aPortThatOnlyAClientsConnectionHoldsIsToldApartFromOneAProcessListensOn() throws Exception {
        // a client's connection that took the port as its own end, as one retrying while a server was down can be
        // handed a port of the ephemeral range: no listener, yet the port cannot be bound
        try (ServerSocket elsewhere = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Socket client = new Socket()) {
            client.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = client.getLocalPort();
            client.connect(elsewhere.getLocalSocketAddress());

            assertThatThrownBy(() -> Router.start(RouterConfig.defaults("0.0.0.0", port)))
                    .isInstanceOf(ListenException.class)
                    .hasMessageStartingWith("cannot listen on 0.0.0.0:" + port + ": no process listens on it, but "
                            + "connections use it as their own port")
                    .hasMessageContaining("wait up to a minute and start again")
                    .satisfies(e -> assertThat(((ListenException) e).aboutThePort()).isTrue());
        }
    }

    @Test
    void anAddressThatIsNotThisMachinesIsNamed() {
        // 192.0.2.0/24 is reserved for documentation (RFC 5737): no machine has it.
        assertThatThrownBy(() -> Router.start(RouterConfig.defaults("192.0.2.1", 0)))
                .isInstanceOf(ListenException.class)
                .hasMessage("cannot listen on 192.0.2.1:0: the address is not one of this machine's; use one of its "
                        + "addresses, or 0.0.0.0 for all");
    }

    @Test
    void aNameThatDoesNotResolveIsNamed() {
        assertThatThrownBy(() -> Router.start(RouterConfig.defaults("no-such-host.invalid", 0)))
                .isInstanceOf(ListenException.class)
                .hasMessage("cannot listen on no-such-host.invalid:0: no such address or host name; expected an IP "
                        + "address of this machine, 0.0.0.0 for all of them, or a name that resolves to one");
    }
}
