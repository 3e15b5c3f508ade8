package dev.cutover.router.standalone;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.Target;
import dev.cutover.model.routing.TargetGroup;
import dev.cutover.model.routing.TargetState;
import dev.cutover.router.routing.RoutingSnapshot;
import dev.cutover.model.yaml.Nodes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the routes file of the standalone router strictly: an unknown key, a value of the wrong type or out of
 * range fails with the field's full path, the value given and what was expected. Nothing is clamped or guessed.
 *
 * <pre>
 * routes:
 *   - environment: shop/production          # the tag of logs, metrics and error bodies
 *     hosts: [shop.example.com, "*.shop.example.com"]
 *     path-prefix: /                        # optional, default /
 *     groups:
 *       - name: v1
 *         weight: 90                        # optional, default 100; relative to the route's other groups
 *         targets: [127.0.0.1:8081, 127.0.0.1:8082]
 * </pre>
 *
 * A target's instance id (the key of its counters) is its address, so a backend listed in two routes is one target.
 */
public final class RoutesFile {

    /** The weight of a group that gives none. */
    public static final int DEFAULT_WEIGHT = 100;
    public static final int MAX_WEIGHT = 1_000_000;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> TOP = Set.of("routes");
    private static final Set<String> ROUTE = Set.of("environment", "hosts", "path-prefix", "groups");
    private static final Set<String> GROUP = Set.of("name", "weight", "targets");
    /** A DNS name (letters, digits, '-', '.'), optionally behind a {@code *.} wildcard. */
    private static final Pattern HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    private static final Pattern TARGET_HOST = Pattern.compile("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern PATH_PREFIX = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*");

    private RoutesFile() {}

    /** Parses the text of a routes file into the routes of a table. */
    public static List<Route> parse(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new RoutesFileException("(file)", "not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new RoutesFileException("routes", null, "a list of routes");
        }
        requireObject("(top level)", root, TOP);
        JsonNode routes = root.get("routes");
        if (routes == null || !routes.isArray()) {
            throw new RoutesFileException("routes", Nodes.describe(routes), "a list of routes");
        }
        List<Route> parsed = new ArrayList<>();
        Map<String, String> served = new HashMap<>();
        for (int i = 0; i < routes.size(); i++) {
            String path = "routes[" + i + "]";
            Route route = route(path, routes.get(i));
            for (int h = 0; h < route.hosts().size(); h++) {
                String key = route.hosts().get(h) + " " + route.pathPrefix();
                String previous = served.putIfAbsent(key, path);
                if (previous != null) {
                    throw new RoutesFileException(path + ".hosts[" + h + "]", route.hosts().get(h),
                            "a host and path prefix not already served by " + previous);
                }
            }
            parsed.add(route);
        }
        return List.copyOf(parsed);
    }

    private static Route route(String path, JsonNode node) {
        requireObject(path, node, ROUTE);
        String environment = requireText(path + ".environment", node.get("environment"), "a name such as shop/production");
        JsonNode hostsNode = node.get("hosts");
        if (hostsNode == null || !hostsNode.isArray() || hostsNode.isEmpty()) {
            throw new RoutesFileException(path + ".hosts", Nodes.describe(hostsNode),
                    "a non-empty list of host names, e.g. [shop.example.com, \"*.example.com\"]");
        }
        List<String> hosts = new ArrayList<>();
        for (int h = 0; h < hostsNode.size(); h++) {
            String field = path + ".hosts[" + h + "]";
            String host = requireText(field, hostsNode.get(h), "a host name");
            String normalized = RoutingSnapshot.normalize(host);
            if (!HOST.matcher(normalized).matches()) {
                throw new RoutesFileException(field, host,
                        "a host name of letters, digits, '-' and '.', optionally starting with '*.'");
            }
            hosts.add(normalized);
        }
        String prefix = "/";
        JsonNode prefixNode = node.get("path-prefix");
        if (prefixNode != null && !prefixNode.isNull()) {
            prefix = requireText(path + ".path-prefix", prefixNode, "a path starting with '/'");
            if (!PATH_PREFIX.matcher(prefix).matches()) {
                throw new RoutesFileException(path + ".path-prefix", prefix,
                        "a path starting with '/', without spaces, '?' or '#'");
            }
        }
        JsonNode groupsNode = node.get("groups");
        if (groupsNode == null || !groupsNode.isArray() || groupsNode.isEmpty()) {
            throw new RoutesFileException(path + ".groups", Nodes.describe(groupsNode), "a non-empty list of target groups");
        }
        List<TargetGroup> groups = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        for (int g = 0; g < groupsNode.size(); g++) {
            TargetGroup group = group(path + ".groups[" + g + "]", groupsNode.get(g));
            if (!names.add(group.name())) {
                throw new RoutesFileException(path + ".groups[" + g + "].name", group.name(),
                        "a group name used once per route");
            }
            groups.add(group);
        }
        return new Route(environment, hosts, prefix, groups);
    }

    private static TargetGroup group(String path, JsonNode node) {
        requireObject(path, node, GROUP);
        String name = requireText(path + ".name", node.get("name"), "a group name such as v1");
        int weight = DEFAULT_WEIGHT;
        JsonNode weightNode = node.get("weight");
        if (weightNode != null && !weightNode.isNull()) {
            if (!weightNode.isInt() || weightNode.asInt() < 0 || weightNode.asInt() > MAX_WEIGHT) {
                throw new RoutesFileException(path + ".weight", Nodes.describe(weightNode),
                        "an integer from 0 to " + MAX_WEIGHT);
            }
            weight = weightNode.asInt();
        }
        JsonNode targetsNode = node.get("targets");
        if (targetsNode == null || !targetsNode.isArray() || targetsNode.isEmpty()) {
            throw new RoutesFileException(path + ".targets", Nodes.describe(targetsNode),
                    "a non-empty list of HOST:PORT, e.g. [127.0.0.1:8081]");
        }
        List<Target> targets = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        for (int t = 0; t < targetsNode.size(); t++) {
            String field = path + ".targets[" + t + "]";
            Target target = target(field, targetsNode.get(t));
            if (!seen.add(target.instance())) {
                throw new RoutesFileException(field, target.instance(), "each target once per group");
            }
            targets.add(target);
        }
        return new TargetGroup(name, weight, targets);
    }

    private static Target target(String field, JsonNode node) {
        String expected = "HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:8081 or [::1]:8081";
        if (node == null || !node.isTextual()) {
            throw new RoutesFileException(field, Nodes.describe(node), expected);
        }
        String address = node.asText().trim();
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            throw new RoutesFileException(field, address, expected);
        }
        String host = address.substring(0, colon);
        String portText = address.substring(colon + 1);
        if (!TARGET_HOST.matcher(host).matches() || !portText.chars().allMatch(Character::isDigit)
                || portText.length() > 5) {
            throw new RoutesFileException(field, address, expected);
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new RoutesFileException(field, address, expected);
        }
        String connectHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return new Target(address, connectHost, port, TargetState.ACTIVE);
    }

    private static String requireText(String path, JsonNode node, String expected) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new RoutesFileException(path, Nodes.describe(node), expected);
        }
        return node.asText().trim();
    }

    private static void requireObject(String path, JsonNode node, Set<String> keys) {
        if (node == null || !node.isObject()) {
            throw new RoutesFileException(path, Nodes.describe(node), "a map with keys " + Nodes.sorted(keys));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!keys.contains(key)) {
                String field = path.equals("(top level)") ? key : path + "." + key;
                throw new RoutesFileException(field, "unknown key (expected one of: " + Nodes.sorted(keys) + ")");
            }
        }
    }

}
