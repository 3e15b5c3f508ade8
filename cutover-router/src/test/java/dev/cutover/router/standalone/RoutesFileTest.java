package dev.cutover.router.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.TargetState;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RoutesFileTest {

    static final String VALID = """
            routes:
              - environment: shop/production
                hosts: [Shop.Example.com, "*.shop.example.com"]
                path-prefix: /api
                groups:
                  - name: v1
                    weight: 90
                    targets: [127.0.0.1:8081, "[::1]:8082"]
                  - name: v2
                    targets: [localhost:9000]
              - environment: blog/production
                hosts: [blog.example.com]
                groups:
                  - { name: v7, targets: [10.0.0.1:80] }
            """;

    @Test
    void readsRoutesGroupsAndTargets() {
        List<Route> routes = RoutesFile.parse(VALID);

        assertThat(routes).hasSize(2);
        Route shop = routes.get(0);
        assertThat(shop.environment()).isEqualTo("shop/production");
        assertThat(shop.hosts()).containsExactly("shop.example.com", "*.shop.example.com");
        assertThat(shop.pathPrefix()).isEqualTo("/api");
        assertThat(shop.groups()).extracting(g -> g.name() + "=" + g.weight()).containsExactly("v1=90", "v2=100");
        var v1 = shop.groups().get(0).targets();
        assertThat(v1).extracting(t -> t.instance() + "->" + t.host() + ":" + t.port())
                .containsExactly("127.0.0.1:8081->127.0.0.1:8081", "[::1]:8082->::1:8082");
        assertThat(v1).allMatch(t -> t.state() == TargetState.ACTIVE);
        assertThat(routes.get(1).pathPrefix()).isEqualTo("/");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not YAML                  | 'routes: [ {'                                                               | (file)
            empty file                | ''                                                                          | routes
            unknown top-level key     | 'routes: []\\nlisten: 80'                                                   | listen
            routes not a list         | 'routes: {}'                                                                | routes
            route not a map           | 'routes: [ 3 ]'                                                             | routes[0]
            unknown route key         | 'routes: [ {environment: e, hosts: [a.b], groups: [{name: v, targets: [h:1]}], tls: x} ]' | routes[0].tls
            missing environment       | 'routes: [ {hosts: [a.b], groups: [{name: v, targets: [h:1]}]} ]'          | routes[0].environment
            missing hosts             | 'routes: [ {environment: e, groups: [{name: v, targets: [h:1]}]} ]'        | routes[0].hosts
            empty hosts               | 'routes: [ {environment: e, hosts: [], groups: [{name: v, targets: [h:1]}]} ]' | routes[0].hosts
            bad host                  | 'routes: [ {environment: e, hosts: [a_b.c], groups: [{name: v, targets: [h:1]}]} ]' | routes[0].hosts[0]
            label over 63 characters  | 'routes: [ {environment: e, hosts: [aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b], groups: [{name: v, targets: [h:1]}]} ]' | routes[0].hosts[0]
            environment with a space  | 'routes: [ {environment: "my env", hosts: [a.b], groups: [{name: v, targets: [h:1]}]} ]' | routes[0].environment
            group name with a quote   | 'routes: [ {environment: e, hosts: [a.b], groups: [{name: "v\\"1", targets: [h:1]}]} ]' | routes[0].groups[0].name
            wildcard in the middle    | 'routes: [ {environment: e, hosts: [a.*.c], groups: [{name: v, targets: [h:1]}]} ]' | routes[0].hosts[0]
            relative path prefix      | 'routes: [ {environment: e, hosts: [a.b], path-prefix: api, groups: [{name: v, targets: [h:1]}]} ]' | routes[0].path-prefix
            missing groups            | 'routes: [ {environment: e, hosts: [a.b]} ]'                               | routes[0].groups
            missing group name        | 'routes: [ {environment: e, hosts: [a.b], groups: [{targets: [h:1]}]} ]'   | routes[0].groups[0].name
            negative weight           | 'routes: [ {environment: e, hosts: [a.b], groups: [{name: v, weight: -1, targets: [h:1]}]} ]' | routes[0].groups[0].weight
            fractional weight         | 'routes: [ {environment: e, hosts: [a.b], groups: [{name: v, weight: 1.5, targets: [h:1]}]} ]' | routes[0].groups[0].weight
            text weight               | 'routes: [ {environment: e, hosts: [a.b], groups: [{name: v, weight: ten, targets: [h:1]}]} ]' | routes[0].groups[0].weight
            duplicate group name      | 'routes: [ {environment: e, hosts: [a.b], groups: [{name: v, targets: [h:1]}, {name: v, targets: [h:2]}]} ]' | routes[0].groups[1].name
            no targets                | 'routes: [ {environment: e, hosts: [a.b], groups: [{name: v, targets: []}]} ]' | routes[0].groups[0].targets
            target without port       | 'routes: [ {environment: e, hosts: [a.b], groups: [{name: v, targets: [h]}]} ]' | routes[0].groups[0].targets[0]
            target port out of range  | 'routes: [ {environment: e, hosts: [a.b], groups: [{name: v, targets: [h:70000]}]} ]' | routes[0].groups[0].targets[0]
            target port not a number  | 'routes: [ {environment: e, hosts: [a.b], groups: [{name: v, targets: [h:http]}]} ]' | routes[0].groups[0].targets[0]
            duplicate target          | 'routes: [ {environment: e, hosts: [a.b], groups: [{name: v, targets: [h:1, h:1]}]} ]' | routes[0].groups[0].targets[1]
            host served twice         | 'routes: [ {environment: e, hosts: [a.b], groups: [{name: v, targets: [h:1]}]}, {environment: f, hosts: [A.B], groups: [{name: v, targets: [h:1]}]} ]' | routes[1].hosts[0]
            duplicate key             | 'routes: [ {environment: e, environment: f, hosts: [a.b], groups: [{name: v, targets: [h:1]}]} ]' | routes[0].environment
            duplicate nested key      | 'routes: [ {environment: e, hosts: [a.b], groups: [{name: v, targets: [h:1]}, {name: w, weight: 1, weight: 2, targets: [h:2]}]} ]' | routes[0].groups[1].weight
            duplicate top-level key   | 'routes: []\nroutes: []' | routes
            not YAML                  | 'routes: [ {environment: e' | (file)
            """)
    void rejectsAnInvalidFileNamingTheField(String name, String yaml, String field) {
        assertThatThrownBy(() -> RoutesFile.parse(yaml.replace("\\n", "\n")))
                .isInstanceOfSatisfying(RoutesFileException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).startsWith(field + ": ");
                });
    }

    @Test
    void anErrorNamesTheValueAndWhatWasExpected() {
        assertThatThrownBy(() -> RoutesFile.parse(
                "routes: [ {environment: e, hosts: [a.b], groups: [{name: v, weight: -1, targets: [h:1]}]} ]"))
                .hasMessage("routes[0].groups[0].weight: -1 (expected: an integer from 0 to 1000000)");
        assertThatThrownBy(() -> RoutesFile.parse(
                "routes: [ {environment: e, hosts: [a.b], groups: [{name: v, targets: [h:http]}]} ]"))
                .hasMessageStartingWith("routes[0].groups[0].targets[0]: 'h:http' (expected: HOST:PORT");
        assertThatThrownBy(() -> RoutesFile.parse(
                "routes:\n  - environment: e\n    hosts: [a.b]\n    groups: [{name: v, targets: [[::1]:8081]}]\n"))
                .hasMessage("(file): not valid YAML at line 4: a list or map where a key should be (expected: text; "
                        + "YAML reads an unquoted value that starts with [ or {, such as the IPv6 address [::1]:8080, "
                        + "as a list or a map: quote it, \"[::1]:8080\")");
        assertThat(RoutesFile.parse("routes:\n  - environment: e\n    hosts: [a.b]\n"
                + "    groups: [{name: v, targets: [\"[::1]:8081\"]}]\n")).hasSize(1);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "999.1.1.1:80      | 999.1.1.1 is not an IPv4 address (four numbers from 0 to 255)",
        "10.0.1:80         | 10.0.1 is not an IPv4 address (four numbers from 0 to 255)",
        "1.2.3.4.5:80      | 1.2.3.4.5 is not an IPv4 address",
        "a..b:80           | '' in a..b is not a host name label",
        "-web.local:80     | '-web' in -web.local is not a host name label",
        "web.10:80         | web.10 is neither an IPv4 address nor a host name",
        "[1::2::3]:80      | [1::2::3] is not an IPv6 address",
    })
    void aTargetHostThatCannotBeAnAddressOrANameIsRefusedWhenTheFileIsRead(String target, String why) {
        assertThatThrownBy(() -> RoutesFile.parse("routes: [ {environment: e, hosts: [a.b], groups: [{name: v, "
                + "targets: ['" + target + "']}]} ]"))
                .hasMessageStartingWith("routes[0].groups[0].targets[0]: '" + target + "' (expected: HOST:PORT")
                .hasMessageContaining(why);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"127.0.0.1:80", "0.0.0.0:1", "localhost:8080",
            "web-1.internal.example:443", "[::1]:8081", "[fe80::1]:80", "xn--bcher-kva.example:80"})
    void realisticTargetsAreAccepted(String target) {
        RoutesFile.parse("routes: [ {environment: e, hosts: [a.b], groups: [{name: v, targets: ['" + target
                + "']}]} ]");
    }
}
