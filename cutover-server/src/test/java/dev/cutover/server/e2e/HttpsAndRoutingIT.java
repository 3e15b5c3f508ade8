package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.router.tls.TlsConfig;
import dev.cutover.testkit.tls.Certificates;
import dev.cutover.testkit.tls.TlsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cutover server} with HTTPS from a wildcard certificate made by openssl, and the manifest's {@code routing}
 * options applied by the router to the environment's requests.
 */
class HttpsAndRoutingIT {

    /** No watch at the end of a deployment: not what these tests are about (FailuresIT tests it). */
    private static final String MANIFEST = """
            processes:
              web: { command: "python3 app.py", instances: 1 }
            health: { path: /health, interval: 300ms, timeout: 1s, healthy-threshold: 2 }
            deploy: { stop-timeout: 10s, deadline: 60s, watch: 0s }
            routing: { redirect-https: true, max-body-size: 1k }
            """;

    @Test
    void environmentsAreServedOverHttpsAndTheManifestsRoutingOptionsApply(@TempDir Path tmp) throws Exception {
        Certificates.Pair wildcard = Certificates.make(tmp, "wildcard", "*.localhost", Certificates.KeyKind.EC_PKCS8);
        TlsConfig tls = new TlsConfig(0, List.of(new TlsConfig.CertificateFiles(wildcard.cert(), wildcard.key())),
                Duration.ofHours(1));
        Path app = RunningServer.example(tmp, "hello-python", "app");
        RunningServer.writeManifest(app, MANIFEST);
        try (RunningServer server = RunningServer.start(tmp, tls)) {
            var deployed = server.cli("deploy", app.toString(), "--to", "shop", "--version", "v1", "--wait");
            assertThat(deployed.exit()).as(deployed.all()).isZero();
            int https = server.controller.httpsPort();
            String host = RunningServer.host("shop");

            RunningServer.Response plain = server.get("shop", "/hello?x=1");
            assertThat(plain.status()).isEqualTo(308);
            assertThat(plain.headers().get("Location")).isEqualTo("https://" + host + ":" + https + "/hello?x=1");

            try (SSLSocket socket = TlsClient.connect(https, host)) {
                assertThat(TlsClient.dnsNames(TlsClient.served(socket))).containsExactly("*.localhost");
                String response = TlsClient.exchange(socket, "GET / HTTP/1.1\r\nHost: " + host
                        + "\r\nConnection: close\r\n\r\n");
                assertThat(response).startsWith("HTTP/1.1 200").contains("v1");
            }
            try (SSLSocket socket = TlsClient.connect(https, host)) {
                String response = TlsClient.exchange(socket, "POST /upload HTTP/1.1\r\nHost: " + host
                        + "\r\nContent-Length: 2048\r\nConnection: close\r\n\r\n" + "x".repeat(2048));
                assertThat(response).startsWith("HTTP/1.1 413").contains("X-Cutover-Error: body_too_large");
            }
        }
    }
}
