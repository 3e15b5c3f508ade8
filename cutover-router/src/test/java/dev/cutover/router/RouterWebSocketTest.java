package dev.cutover.router;

import static dev.cutover.router.Tables.ENV;
import static dev.cutover.router.Tables.HOST;
import static dev.cutover.router.Tables.active;
import static dev.cutover.router.Tables.group;
import static dev.cutover.router.Tables.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.Target;
import dev.cutover.model.routing.TargetState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WebSockets through the router, with the JDK's own WebSocket client against a Netty WebSocket server: the
 * handshake passes through, messages go both ways, a deploy of another app leaves them alone, and a target that
 * drains gets its WebSockets closed properly (close frame 1001 to both sides) after the grace period.
 */
class RouterWebSocketTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Duration GRACE = Duration.ofMillis(300);

    private Router router;
    private StreamingBackend blue;
    private StreamingBackend green;
    private TestBackend other;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        router = Router.start(RouterConfig.defaults("127.0.0.1", 0).withTunnelTimeouts(Duration.ofMinutes(5), GRACE));
        blue = new StreamingBackend("blue");
        green = new StreamingBackend("green");
        other = TestBackend.start("other");
    }

    @AfterEach
    void stop() {
        router.close();
        blue.close();
        green.close();
        other.close();
        http.close();
    }

    private static Target ws(String instance, StreamingBackend backend, TargetState state) {
        return new Target(instance, "127.0.0.1", backend.port(), state);
    }

    /** The app under test at its host and at 127.0.0.1 (the JDK client sends that as Host), and another app. */
    private static Route app(Target... targets) {
        return new Route(ENV, List.of(HOST, "127.0.0.1"), "/", List.of(group("v1", 100, targets)));
    }

    private static Route otherApp(Target... targets) {
        return new Route("other/production", List.of("other.example.com"), "/", List.of(group("v1", 100, targets)));
    }

    @Test
    void messagesGoBothWaysThroughTheRouter() throws Exception {
        router.apply(table(1, app(ws("b1", blue, TargetState.ACTIVE))));
        Client client = connect();

        client.socket.sendText("hello", true).get(5, TimeUnit.SECONDS);
        assertThat(client.next()).isEqualTo("blue: hello");
        String large = "x".repeat(300_000);
        client.socket.sendText(large, true).get(5, TimeUnit.SECONDS);
        String echoed = client.next();
        assertThat(echoed.length()).as("a 300 KB message, echoed whole").isEqualTo(large.length() + 6);
        assertThat(echoed.equals("blue: " + large)).isTrue();
        assertThat(router.targetStats().get("b1").inFlight()).as("a WebSocket counts as in flight").isEqualTo(1);

        client.socket.sendClose(1000, "done").get(5, TimeUnit.SECONDS);
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(router.targetStats().get("b1").inFlight()).isZero();
            assertThat(router.targetStats().get("b1").openConnections()).isZero();
        });
    }

    @Test
    void aWebSocketSurvivesDeploysOfAnotherApp() throws Exception {
        router.apply(table(1, app(ws("b1", blue, TargetState.ACTIVE)), otherApp(active("o1", other))));
        Client client = connect();
        long version = 1;
        for (int i = 2; i <= 20; i++) {
            Target next = active("o" + i, other);
            Target previous = new Target("o" + (i - 1), "127.0.0.1", other.port(), TargetState.DRAINING);
            router.apply(table(++version, app(ws("b1", blue, TargetState.ACTIVE)), otherApp(previous, next)));
            router.apply(table(++version, app(ws("b1", blue, TargetState.ACTIVE)), otherApp(next)));
            client.socket.sendText("message " + i, true).get(5, TimeUnit.SECONDS);
            assertThat(client.next()).isEqualTo("blue: message " + i);
        }
        assertThat(client.closed).isNotDone();
    }

    @Test
    void aDrainingTargetsWebSocketsGetACloseFrameAfterTheGracePeriodAndTheDrainEnds() throws Exception {
        router.apply(table(1, app(ws("b1", blue, TargetState.ACTIVE))));
        Client client = connect();
        client.socket.sendText("before", true).get(5, TimeUnit.SECONDS);
        assertThat(client.next()).isEqualTo("blue: before");

        long drainedAt = System.nanoTime();
        router.apply(table(2, app(ws("b1", blue, TargetState.DRAINING), ws("g1", green, TargetState.ACTIVE))));

        // Messages still flow during the grace period.
        client.socket.sendText("during", true).get(5, TimeUnit.SECONDS);
        assertThat(client.next()).isEqualTo("blue: during");
        assertThat(client.closed.get(10, TimeUnit.SECONDS)).as("close code sent to the client").isEqualTo(1001);
        assertThat(System.nanoTime() - drainedAt).as("not before the grace period")
                .isGreaterThanOrEqualTo(GRACE.toNanos());
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(blue.closesReceived).as("close code sent to the target").containsExactly(1001);
            assertThat(router.targetStats().get("b1").inFlight()).as("the drain can end").isZero();
            assertThat(router.targetStats().get("b1").openConnections()).isZero();
        });

        Client again = connect();
        again.socket.sendText("after", true).get(5, TimeUnit.SECONDS);
        assertThat(again.next()).as("a reconnecting client reaches the active target").isEqualTo("green: after");
    }

    @Test
    void closingTheRouterClosesWebSocketsWithACloseFrame() throws Exception {
        router.apply(table(1, app(ws("b1", blue, TargetState.ACTIVE))));
        Client client = connect();
        client.socket.sendText("hi", true).get(5, TimeUnit.SECONDS);
        assertThat(client.next()).isEqualTo("blue: hi");

        CompletableFuture<Void> closing = CompletableFuture.runAsync(router::close);

        assertThat(client.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
        closing.get(20, TimeUnit.SECONDS);
    }

    private Client connect() throws Exception {
        Client client = new Client();
        client.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + router.port() + "/ws"), client).get(10, TimeUnit.SECONDS);
        return client;
    }

    /** A JDK WebSocket listener that queues whole text messages and records the close code it got. */
    private static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        String next() throws InterruptedException {
            String message = messages.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("a message within 10s").isNotNull();
            return message;
        }
    }
}
