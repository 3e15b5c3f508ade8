package dev.cutover.router;

import static dev.cutover.router.Tables.ENV;
import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.active;
import static dev.cutover.router.Tables.group;
import static dev.cutover.router.Tables.route;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.model.routing.Target;
import dev.cutover.model.routing.TargetState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Responses that stream: server-sent events pass through as they are sent, and HTTP/1.0 clients get chunks unframed. */
class RouterStreamingTest {

    private Router router;
    private StreamingBackend events;
    private TestBackend other;

    @BeforeEach
    void start() throws Exception {
        router = Router.start(RouterConfig.defaults("127.0.0.1", 0));
        events = new StreamingBackend("events");
        other = TestBackend.start("other");
    }

    @AfterEach
    void stop() {
        router.close();
        events.close();
        other.close();
    }

    private static Target streaming(StreamingBackend backend) {
        return new Target("e1", "127.0.0.1", backend.port(), TargetState.ACTIVE);
    }

    @Test
    void serverSentEventsArriveAsTheyAreSentAndSurviveDeploysOfAnotherApp() throws Exception {
        router.apply(table(1, route(ENV, HOST, group("v1", 100, streaming(events))),
                route("other/production", "other.example.com", group("v1", 100, active("o1", other)))));
        try (Socket socket = new Socket("127.0.0.1", router.port())) {
            BufferedReader in = subscribe(socket);
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            StringBuilder head = new StringBuilder();
            for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
                head.append(line.toLowerCase()).append('\n');
            }
            assertThat(head).contains("content-type: text/event-stream", "transfer-encoding: chunked");

            // The backend holds the rest of the stream until released: the first event gets here only if the
            // router relays it as it comes, without waiting for more.
            assertThat(nextEvent(in)).isEqualTo("data: events 0");

            for (int v = 2; v <= 10; v++) {
                router.apply(table(v, route(ENV, HOST, group("v1", 100, streaming(events))),
                        route("other/production", "other.example.com", group("v" + v, 100, active("o" + v, other)))));
            }
            events.eventsReleased.countDown();
            for (int n = 1; n < 40; n++) {
                assertThat(nextEvent(in)).isEqualTo("data: events " + n);
            }
            String line = in.readLine();
            while (line != null && line.isEmpty()) {
                line = in.readLine();
            }
            assertThat(line).as("the last chunk").isEqualTo("0");
        }
    }

    @Test
    void anEventStreamFromADrainingTargetEndsAfterTheGraceSoThatTheDrainNeedNotWaitForItsClient() throws Exception {
        router.close();
        Duration grace = Duration.ofMillis(300);
        router = Router.start(RouterConfig.defaults("127.0.0.1", 0).withTunnelTimeouts(Duration.ofMinutes(5), grace));
        router.apply(table(1, route(ENV, HOST, group("v1", 100, streaming(events)))));
        try (Socket socket = new Socket("127.0.0.1", router.port())) {
            BufferedReader in = subscribe(socket);
            assertThat(nextEvent(in)).isEqualTo("data: events 0");
            assertThat(router.targetStats().get("e1").inFlight()).isEqualTo(1);

            // the stream holds still (the backend sends nothing more until released): only the drain ends it
            long drainedAt = System.nanoTime();
            router.apply(table(2, route(ENV, HOST, group("v2", 100, active("o1", other)),
                    group("v1", 0, new Target("e1", "127.0.0.1", events.port(), TargetState.DRAINING)))));
            List<String> rest = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                rest.add(line);
            }
            assertThat(System.nanoTime() - drainedAt).as("not before the grace").isGreaterThanOrEqualTo(grace.toNanos());
            assertThat(rest).as("the response ends with a last chunk, not cut off").endsWith("0", "");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(router.targetStats().get("e1").inFlight()).as("the drain can end").isZero();
                assertThat(router.targetStats().get("e1").openConnections()).isZero();
            });
        }
        try (Socket again = new Socket("127.0.0.1", router.port())) {
            again.setSoTimeout(20_000);
            again.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).as("a reconnecting client reaches the active target").startsWith("HTTP/1.1 200")
                    .contains("other");
        }
    }

    /** Asks for the event stream on {@code socket}; returns its reader, at the start of the response. */
    private static BufferedReader subscribe(Socket socket) throws Exception {
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /events HTTP/1.1\r\nHost: " + HOST + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Skips chunk framing and the id line; returns the data line of the next event. */
    private static String nextEvent(BufferedReader in) throws Exception {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("data: ")) {
                return line;
            }
        }
        throw new AssertionError("the stream ended");
    }

    @Test
    void anHttp10ClientGetsAChunkedResponseUnframedAndTheConnectionCloses() throws Exception {
        router.apply(table(1, route(ENV, HOST, group("v1", 100, streaming(events)))));
        try (Socket socket = new Socket("127.0.0.1", router.port())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET /plain HTTP/1.0\r\nHost: " + HOST + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(response).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(response.toLowerCase()).doesNotContain("transfer-encoding").contains("connection: close");
            assertThat(response).endsWith("\r\n\r\nhello from events");
        }
    }
}
