package dev.cutover.router;

import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.RoutingTable;
import dev.cutover.model.routing.Target;
import dev.cutover.model.routing.TargetGroup;
import dev.cutover.model.routing.TargetState;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

/** Fixtures for routing tables: valid by default, short to write. */
final class Tables {

    static final String ENV = "shop/production";
    static final String HOST = "shop.example.com";

    private Tables() {}

    static Target active(String instance, TestBackend backend) {
        return new Target(instance, "127.0.0.1", backend.port(), TargetState.ACTIVE);
    }

    static Target draining(String instance, TestBackend backend) {
        return new Target(instance, "127.0.0.1", backend.port(), TargetState.DRAINING);
    }

    static Target activeAt(String instance, int port) {
        return new Target(instance, "127.0.0.1", port, TargetState.ACTIVE);
    }

    static TargetGroup group(String name, int weight, Target... targets) {
        return new TargetGroup(name, weight, List.of(targets));
    }

    static Route route(String environment, String host, TargetGroup... groups) {
        return new Route(environment, List.of(host), "/", List.of(groups));
    }

    static Route route(String environment, String host, String pathPrefix, TargetGroup... groups) {
        return new Route(environment, List.of(host), pathPrefix, List.of(groups));
    }

    /** The common case: one environment at {@link #HOST}, one group {@code v1} of the given targets. */
    static Route shop(Target... targets) {
        return route(ENV, HOST, group("v1", 100, targets));
    }

    static RoutingTable table(long version, Route... routes) {
        return new RoutingTable(version, List.of(routes));
    }

    /** A port nothing listens on (it was free a moment ago). */
    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
