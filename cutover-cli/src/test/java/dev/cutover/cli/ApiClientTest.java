package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against real sockets: a server that is not there yet, one that goes away, one that hangs up. */
class ApiClientTest {

    private HttpServer http;
    private ServerSocket raw;
    private Thread rawThread;

    @AfterEach
    void stop() throws Exception {
        if (http != null) {
            http.stop(0);
        }
        if (raw != null) {
            raw.close();
            rawThread.join(5000);
        }
    }

    @Test
    void aRefusedRequestIsSentAgainOnceTheServerListens() throws Exception {
        int port = freePort();
        Thread starter = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(700);
                http = answering(port);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Map<?, ?> answer = new ApiClient("http://127.0.0.1:" + port, "t").get("/api/apps", Map.class);
        starter.join();
        assertThat(answer.get("ok")).isEqualTo(true);
    }

    @Test
    void aServerThatDoesNotListenIsReportedAfterTheShortWait() throws Exception {
        int port = freePort();
        assertThatThrownBy(() -> new ApiClient("http://127.0.0.1:" + port, "t").get("/api/apps", Map.class))
                .isInstanceOfSatisfying(CliException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(CliException.API);
                    assertThat(e.getMessage()).isEqualTo("cannot reach the Cutover API at http://127.0.0.1:" + port
                            + " (connection refused, for 3s): is `cutover server` running? (set --api or CUTOVER_API "
                            + "for another address)");
                });
    }

    @Test
    void aPatientClientWaitsOutAServerThatHangsUpOnAReadAndSaysSo() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        int port = rawServer(connections, 2); // the first two connections are closed without an answer
        List<String> notices = new CopyOnWriteArrayList<>();
        Map<?, ?> answer = new ApiClient("http://127.0.0.1:" + port, "t")
                .patient(Duration.ofSeconds(30), notices::add).get("/api/deployments/1", Map.class);
        assertThat(answer.get("ok")).isEqualTo(true);
        assertThat(notices).hasSize(2);
        assertThat(notices.get(0)).startsWith("the server at http://127.0.0.1:" + port + " does not answer: "
                + "connection lost").endsWith("; waiting up to 30s for it to come back");
        assertThat(notices.get(1)).isEqualTo("the server at http://127.0.0.1:" + port + " answers again");
    }

    @Test
    void aWriteIsNotSentAgainWhenTheServerHungUpOnIt() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        int port = rawServer(connections, Integer.MAX_VALUE);
        List<String> notices = new CopyOnWriteArrayList<>();
        ApiClient patient = new ApiClient("http://127.0.0.1:" + port, "t").patient(Duration.ofSeconds(30),
                notices::add);
        assertThatThrownBy(() -> patient.post("/api/apps/shop/envs/production/deployments", Map.of("a", 1), Map.class))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.getMessage())
                        .contains("whether the server acted on it is not known: look with cutover status"));
        assertThat(connections.get()).as("the deploy was sent once").isEqualTo(1);
        assertThat(notices).isEmpty();
    }

    @Test
    void aPatientClientStillGivesUpWhenItsWaitIsOver() throws Exception {
        int port = freePort();
        List<String> notices = new CopyOnWriteArrayList<>();
        ApiClient patient = new ApiClient("http://127.0.0.1:" + port, "t").patient(Duration.ofSeconds(1),
                notices::add);
        assertThatThrownBy(() -> patient.get("/api/apps", Map.class)).isInstanceOfSatisfying(CliException.class,
                e -> assertThat(e.getMessage()).contains("(connection refused, for 1s)"));
        assertThat(notices).singleElement().asString().contains("does not answer: connection refused");
    }

    private static HttpServer answering(int port) throws IOException {
        return JsonServer.answering(port, 200, "{\"ok\": true}");
    }

    /**
     * A server that reads each request's head and closes the first {@code hangUps} connections without a word, then
     * answers the others with a JSON object; counts the connections that carried a request.
     */
    private int rawServer(AtomicInteger connections, int hangUps) throws IOException {
        raw = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        rawThread = Thread.ofPlatform().start(() -> {
            while (!raw.isClosed()) {
                try (Socket s = raw.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.ISO_8859_1));
                    String line = in.readLine();
                    if (line == null) {
                        continue;
                    }
                    while (line != null && !line.isEmpty()) {
                        line = in.readLine();
                    }
                    if (connections.incrementAndGet() <= hangUps) {
                        continue;
                    }
                    byte[] body = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                    out.flush();
                } catch (IOException e) {
                    // closed by the test, or the client went away
                }
            }
        });
        return raw.getLocalPort();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
