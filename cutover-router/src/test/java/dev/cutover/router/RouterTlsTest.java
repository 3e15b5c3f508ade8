package dev.cutover.router;

import static dev.cutover.router.Tables.ENV;
import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.active;
import static dev.cutover.router.Tables.group;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.model.routing.Balance;
import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.RouteOptions;
import dev.cutover.router.tls.TlsConfig;
import dev.cutover.testkit.tls.Certificates;
import dev.cutover.testkit.tls.Certificates.KeyKind;
import dev.cutover.testkit.tls.TlsClient;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS: certificates from PEM files made by openssl (EC and RSA keys, PKCS#8 and PKCS#1), the one a client asks
 * for by name (SNI, wildcards included) chosen for its handshake, the forwarding headers saying https, the
 * redirect of plain HTTP for a route that wants it, and certificate reload without restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterTlsTest {

    private Path dir;
    private Router router;
    private TestBackend backend;
    private TlsConfig.CertificateFiles shop;

    @BeforeAll
    void start(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        shop = files(Certificates.make(dir, "shop", HOST, KeyKind.EC_PKCS8));
        TlsConfig.CertificateFiles wildcard = files(Certificates.make(dir, "wildcard", "*.api.example.com",
                KeyKind.RSA_PKCS8));
        TlsConfig.CertificateFiles legacy = files(Certificates.make(dir, "legacy", "legacy.example.com",
                KeyKind.RSA_PKCS1));
        TlsConfig tls = new TlsConfig(0, List.of(shop, wildcard, legacy), Duration.ofHours(1));
        router = Router.start(RouterConfig.defaults("127.0.0.1", 0).withTls(tls));
        backend = TestBackend.start("blue");
        Route secure = new Route("secure/production", List.of("secure.example.com"), "/",
                List.of(group("v1", 100, active("s1", backend))), new RouteOptions(Balance.LEAST_OUTSTANDING, true, -1));
        router.apply(table(1, new Route(ENV, List.of(HOST, "v2.api.example.com", "legacy.example.com"), "/",
                List.of(group("v1", 100, active("b1", backend)))), secure));
    }

    @AfterAll
    void stop() {
        router.close();
        backend.close();
    }

    @Test
    void eachNameGetsItsCertificateAndANameNoneCoversGetsTheFirst() throws Exception {
        assertThat(names(handshake("shop.example.com"))).containsExactly(HOST);
        assertThat(names(handshake("v2.api.example.com"))).containsExactly("*.api.example.com");
        assertThat(names(handshake("legacy.example.com"))).as("a PKCS#1 RSA key").containsExactly("legacy.example.com");
        assertThat(names(handshake("unknown.example.org"))).containsExactly(HOST);
        assertThat(names(handshake(null))).as("no SNI at all").containsExactly(HOST);
    }

    @Test
    void requestsOverHttpsAreProxiedAndTheTargetLearnsTheyWereHttps() throws Exception {
        backend.seen.clear();
        try (SSLSocket socket = connect("v2.api.example.com")) {
            String response = get(socket, "v2.api.example.com", "/cart");
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("blue");
        }
        assertThat(backend.seen.peek().headers().get("X-Forwarded-Proto")).isEqualTo("https");
    }

    @Test
    void aRouteThatWantsHttpsRedirectsPlainHttpAndServesHttps() throws Exception {
        HttpConnection.Response plain = HttpConnection.getOnce(router.port(), "secure.example.com", "/pay?x=1");
        assertThat(plain.status()).isEqualTo(308);
        assertThat(plain.header("location")).isEqualTo("https://secure.example.com:" + router.httpsPort() + "/pay?x=1");

        try (SSLSocket socket = connect("secure.example.com")) {
            assertThat(get(socket, "secure.example.com", "/pay?x=1")).startsWith("HTTP/1.1 200").endsWith("blue");
        }
    }

    @Test
    void plainHttpSentToTheHttpsPortGetsA400ThatSaysSo() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", router.httpsPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /cart HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400 ").contains("Connection: close")
                    .contains("a plain HTTP request was sent to the HTTPS port");
        }
        assertThat(names(handshake(HOST))).as("TLS on the same port still works").containsExactly(HOST);
    }

    @Test
    void changedCertificateFilesAreServedWithoutARestartAndABadEditKeepsTheOldOnes() throws Exception {
        X509Certificate before = handshake(HOST);
        Path fresh = Files.createDirectories(dir.resolve("fresh"));
        TlsConfig.CertificateFiles renewed = files(Certificates.make(fresh, "shop", HOST, KeyKind.EC_PKCS8));
        Files.copy(renewed.cert(), shop.cert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed.key(), shop.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        assertThat(router.certificates().reloadIfChanged()).isTrue();
        X509Certificate after = handshake(HOST);
        assertThat(after.getSerialNumber()).isNotEqualTo(before.getSerialNumber())
                .isEqualTo(Certificates.read(renewed.cert()).getSerialNumber());

        Files.writeString(shop.key(), "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
        assertThat(router.certificates().reloadIfChanged()).isFalse();
        assertThat(handshake(HOST).getSerialNumber()).isEqualTo(after.getSerialNumber());
        Files.copy(renewed.key(), shop.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aKeyThatIsNotAKeyFailsTheStartNamingTheFile() throws Exception {
        Path bad = dir.resolve("bad.key");
        Files.writeString(bad, "hello");
        TlsConfig tls = new TlsConfig(0, List.of(new TlsConfig.CertificateFiles(shop.cert(), bad)), Duration.ofHours(1));
        assertThatThrownBy(() -> Router.start(RouterConfig.defaults("127.0.0.1", 0).withTls(tls)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(bad.toString())
                .hasMessageContaining("expected: a PEM private key");
    }

    @Test
    void aKeyThatIsNotTheCertificatesFailsTheStartAndARenewalHalfWrittenKeepsTheOldPair() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        TlsConfig.CertificateFiles stranger = files(Certificates.make(other, "stranger", HOST, KeyKind.EC_PKCS8));
        TlsConfig mismatched = new TlsConfig(0, List.of(new TlsConfig.CertificateFiles(shop.cert(), stranger.key())),
                Duration.ofHours(1));
        assertThatThrownBy(() -> Router.start(RouterConfig.defaults("127.0.0.1", 0).withTls(mismatched)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(stranger.key() + ": not the key of the certificate in " + shop.cert());
        TlsConfig.CertificateFiles rsa = files(Certificates.make(other, "rsa", HOST, KeyKind.RSA_PKCS8));
        TlsConfig crossed = new TlsConfig(0, List.of(new TlsConfig.CertificateFiles(shop.cert(), rsa.key())),
                Duration.ofHours(1));
        assertThatThrownBy(() -> Router.start(RouterConfig.defaults("127.0.0.1", 0).withTls(crossed)))
                .hasMessageContaining("its RSA key does not match the certificate's EC public key");

        // the new certificate written, its key not yet: the old pair goes on serving
        X509Certificate before = handshake(HOST);
        byte[] oldCert = Files.readAllBytes(shop.cert());
        Files.copy(stranger.cert(), shop.cert(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try {
            assertThat(router.certificates().reloadIfChanged()).isFalse();
            assertThat(handshake(HOST).getSerialNumber()).isEqualTo(before.getSerialNumber());
        } finally {
            Files.write(shop.cert(), oldCert);
        }
    }

    private static TlsConfig.CertificateFiles files(Certificates.Pair pair) {
        return new TlsConfig.CertificateFiles(pair.cert(), pair.key());
    }

    private X509Certificate handshake(String name) throws Exception {
        try (SSLSocket socket = connect(name)) {
            return TlsClient.served(socket);
        }
    }

    private SSLSocket connect(String name) throws Exception {
        return TlsClient.connect(router.httpsPort(), name);
    }

    private static String get(SSLSocket socket, String host, String path) throws Exception {
        return TlsClient.exchange(socket, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    private static List<String> names(X509Certificate certificate) throws Exception {
        return TlsClient.dnsNames(certificate);
    }
}
