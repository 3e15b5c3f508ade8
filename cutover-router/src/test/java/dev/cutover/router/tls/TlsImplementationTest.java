package dev.cutover.router.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

class TlsImplementationTest {

    @Test
    void boringSslLoadsHereAndIsTheDefault() throws Exception {
        // the router ships netty-tcnative's BoringSSL for linux-x86_64: it must load, or every handshake costs more
        assertThat(CertificateStore.provider("openssl")).isEqualTo(SslProvider.OPENSSL);
        assertThat(CertificateStore.provider("auto")).isEqualTo(SslProvider.OPENSSL);
    }

    @Test
    void theJdksCanBeAskedForAndAnythingElseIsRefusedNamingTheProperty() throws Exception {
        assertThat(CertificateStore.provider("jdk")).isEqualTo(SslProvider.JDK);
        assertThatThrownBy(() -> CertificateStore.provider("boring")).isInstanceOf(TlsException.class)
                .hasMessage("cutover.router.tls: 'boring' (expected: auto, openssl or jdk)");
    }
}
