package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.router.tls.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cutover server} with HTTPS from a wildcard certificate made by openssl, and the manifest's {@code routing}
 * options applied by the router to the environment's requests.
 */
class HttpsAndRoutingIT {

    private static final String MANIFEST = """
            processes:
              web: { command: "python3 app.py", instances: 1 }
            health: { path: /health, interval: 300ms, timeout: 1s, healthy-threshold: 2 }
            deploy: { stop-timeout: 10s, deadline: 60s }
            routing: { redirect-https: true, max-body-size: 1k }
            """;

    @Test
    void environmentsAreServedOverHttpsAndTheManifestsRoutingOptionsApply(@TempDir Path tmp) throws Exception {
        Path cert = tmp.resolve("wildcard.pem");
        Path key = tmp.resolve("wildcard.key");
        openssl(tmp, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=*.localhost",
                "-addext", "subjectAltName=DNS:*.localhost", "-days", "2");
        TlsConfig tls = new TlsConfig(0, List.of(new TlsConfig.CertificateFiles(cert, key)), Duration.ofHours(1));
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

            try (SSLSocket socket = connect(https, host)) {
                X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
                assertThat(served.getSubjectAlternativeNames().stream().map(n -> (String) n.get(1)).toList())
                        .containsExactly("*.localhost");
                String response = exchange(socket, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
                assertThat(response).startsWith("HTTP/1.1 200").contains("v1");
            }
            try (SSLSocket socket = connect(https, host)) {
                String response = exchange(socket, "POST /upload HTTP/1.1\r\nHost: " + host
                        + "\r\nContent-Length: 2048\r\nConnection: close\r\n\r\n" + "x".repeat(2048));
                assertThat(response).startsWith("HTTP/1.1 413").contains("X-Cutover-Error: body_too_large");
            }
        }
    }

    private static SSLSocket connect(int port, String name) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(name)));
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static String exchange(SSLSocket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static void openssl(Path dir, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(output).isTrue();
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
