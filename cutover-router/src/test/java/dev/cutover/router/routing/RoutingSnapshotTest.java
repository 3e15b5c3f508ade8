package dev.cutover.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.RoutingTable;
import dev.cutover.model.routing.Target;
import dev.cutover.model.routing.TargetGroup;
import dev.cutover.model.routing.TargetState;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoutingSnapshotTest {

    private final TargetRegistry registry = new TargetRegistry();

    @Test
    void resolvesExactHostsBeforeWildcardsAndTheLongestPrefix() {
        RoutingSnapshot snapshot = snapshot(
                route("wild", List.of("*.Example.com"), "/"),
                route("deep-wild", List.of("*.eu.example.com"), "/"),
                route("api", List.of("api.example.com"), "/"),
                route("api-v2", List.of("api.example.com"), "/v2"));

        assertThat(snapshot.resolve("api.example.com", "/v2/x").environment()).isEqualTo("api-v2");
        assertThat(snapshot.resolve("api.example.com", "/v1").environment()).isEqualTo("api");
        assertThat(snapshot.resolve("shop.example.com", "/").environment()).isEqualTo("wild");
        assertThat(snapshot.resolve("a.b.example.com", "/").environment()).isEqualTo("wild");
        assertThat(snapshot.resolve("shop.eu.example.com", "/").environment()).isEqualTo("deep-wild");
        assertThat(snapshot.resolve("example.com", "/")).isNull();
        assertThat(snapshot.resolve("other.org", "/")).isNull();
    }

    @Test
    void aPathSpelledAnotherWayPicksTheRouteItsTargetWouldReadItAs() {
        RoutingSnapshot snapshot = snapshot(
                route("site", List.of("shop.example.com"), "/"),
                route("admin", List.of("shop.example.com"), "/admin/"));

        for (String path : List.of("/x/../admin/users", "//admin/users", "/%61dmin/users", "/./admin/users")) {
            assertThat(snapshot.resolve("shop.example.com", path).environment()).as(path).isEqualTo("admin");
        }
        assertThat(snapshot.resolve("shop.example.com", "/admin/../x").environment()).isEqualTo("site");
        assertThat(snapshot.resolve("shop.example.com", "/admin%2Fusers").environment()).isEqualTo("site");
    }

    @Test
    void keepsOnlyActiveTargetsOfGroupsWithWeight() {
        Route route = new Route("shop", List.of("shop.test"), "/", List.of(
                new TargetGroup("v1", 0, List.of(target("a", TargetState.ACTIVE))),
                new TargetGroup("v2", 5, List.of(target("b", TargetState.DRAINING), target("c", TargetState.ACTIVE)))));

        RouteEntry entry = snapshot(route).resolve("shop.test", "/");

        assertThat(entry.groups()).hasSize(1);
        assertThat(entry.groups().getFirst().targets()).extracting(LiveTarget::instance).containsExactly("c");
    }

    @Test
    void aRemovedTargetStopsTakingRequestsAndIsForgottenWhenIdle() {
        Route before = new Route("shop", List.of("shop.test"), "/",
                List.of(new TargetGroup("v1", 1, List.of(target("a", TargetState.ACTIVE)))));
        LiveTarget a = registry.update(new RoutingTable(1, List.of(before))).get("a");
        assertThat(a.tryStartRequest()).isTrue();

        registry.update(new RoutingTable(2, List.of()));

        assertThat(a.tryStartRequest()).isFalse();
        assertThat(registry.stats()).containsKey("a");
        a.endRequest(true, false);
        assertThat(registry.stats()).doesNotContainKey("a");
    }

    private RoutingSnapshot snapshot(Route... routes) {
        RoutingTable table = new RoutingTable(1, List.of(routes));
        return RoutingSnapshot.of(table, registry.update(table), new dev.cutover.router.metrics.MetricsRegistry());
    }

    private static Route route(String environment, List<String> hosts, String prefix) {
        return new Route(environment, hosts, prefix,
                List.of(new TargetGroup("v1", 1, List.of(target(environment + "-1", TargetState.ACTIVE)))));
    }

    private static Target target(String instance, TargetState state) {
        return new Target(instance, "127.0.0.1", 8080, state);
    }
}
