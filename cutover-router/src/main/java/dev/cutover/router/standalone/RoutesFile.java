package dev.cutover.router.standalone;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cutover.model.routing.Balance;
import dev.cutover.model.routing.Route;
import dev.cutover.model.routing.RouteOptions;
import dev.cutover.model.routing.Target;
import dev.cutover.model.routing.TargetGroup;
import dev.cutover.model.routing.TargetState;
import dev.cutover.router.routing.RoutingSnapshot;
import dev.cutover.model.yaml.Nodes;
import dev.cutover.model.manifest.DurationText;
import dev.cutover.model.manifest.SizeText;
import dev.cutover.router.tls.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
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
 *     balance: least-outstanding            # optional: or round-robin
 *     redirect-https: false                 # optional: answer plain HTTP with a 308 to HTTPS
 *     max-body-size: 10m                    # optional: bytes, or with k, m, g (KiB, MiB, GiB); larger is a 413
 * tls:                                      # optional: the HTTPS listener
 *   port: 8443
 *   certificates:                           # the first is served when no other covers the name asked for
 *     - { cert: /etc/cutover/wildcard.pem, key: /etc/cutover/wildcard.key }
 *   reload-interval: 10s                    # optional: how often the files are checked for changes
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
    private static final Set<String> TOP = Set.of("routes", "tls");
    private static final Set<String> ROUTE = Set.of("environment", "hosts", "path-prefix", "groups", "balance",
            "redirect-https", "max-body-size");
    private static final Set<String> TLS = Set.of("port", "certificates", "reload-interval");
    private static final Set<String> CERTIFICATE = Set.of("cert", "key");
    private static final Set<String> GROUP = Set.of("name", "weight", "targets");
    /** A DNS name (letters, digits, '-', '.'), optionally behind a {@code *.} wildcard. */
    private static final Pattern HOST = Pattern.compile(
            "(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    /** Environment and group names: printable ASCII without spaces, quotes or backslashes (access-log fields). */
    private static final Pattern NAME = Pattern.compile("[!#-\\[\\]-~]+");
    private static final Pattern TARGET_HOST = Pattern.compile("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern PATH_PREFIX = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*");

    private RoutesFile() {}

    /**
     * What a routes file says: the routes of a table, and the HTTPS listener (null when the file has no
     * {@code tls}).
     */
    public record Contents(List<Route> routes, TlsConfig tls) {}

    /** Parses the text of a routes file into the routes of a table. */
    public static List<Route> parse(String text) {
        return read(text, Path.of(".")).routes();
    }

    /**
     * Parses the text of a routes file.
     *
     * @param directory where relative certificate paths start: the file's directory
     */
    public static Contents read(String text, Path directory) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            Nodes.SyntaxProblem problem = Nodes.syntaxProblem(e, "(file)");
            throw new RoutesFileException(problem.field(), problem.message());
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
        JsonNode tls = root.get("tls");
        return new Contents(List.copyOf(parsed), tls == null || tls.isNull() ? null : tls(tls, directory));
    }

    private static TlsConfig tls(JsonNode node, Path directory) {
        requireObject("tls", node, TLS);
        JsonNode portNode = node.get("port");
        if (portNode == null || !portNode.isInt() || portNode.asInt() < 1 || portNode.asInt() > 65535) {
            throw new RoutesFileException("tls.port", Nodes.describe(portNode), "a port from 1 to 65535");
        }
        JsonNode certs = node.get("certificates");
        if (certs == null || !certs.isArray() || certs.isEmpty()) {
            throw new RoutesFileException("tls.certificates", Nodes.describe(certs),
                    "a non-empty list of {cert: FILE, key: FILE}");
        }
        List<TlsConfig.CertificateFiles> files = new ArrayList<>();
        for (int i = 0; i < certs.size(); i++) {
            String path = "tls.certificates[" + i + "]";
            requireObject(path, certs.get(i), CERTIFICATE);
            String cert = requireText(path + ".cert", certs.get(i).get("cert"), "the path of a PEM certificate chain");
            String key = requireText(path + ".key", certs.get(i).get("key"), "the path of a PEM private key");
            files.add(new TlsConfig.CertificateFiles(directory.resolve(cert), directory.resolve(key)));
        }
        Duration reload = TlsConfig.DEFAULT_RELOAD_INTERVAL;
        JsonNode reloadNode = node.get("reload-interval");
        if (reloadNode != null && !reloadNode.isNull()) {
            Duration d = reloadNode.isTextual() ? DurationText.parseOrNull(reloadNode.asText()) : null;
            if (d == null || d.isZero()) {
                throw new RoutesFileException("tls.reload-interval", Nodes.describe(reloadNode),
                        "a duration above zero such as 10s or 1m");
            }
            reload = d;
        }
        return new TlsConfig(portNode.asInt(), files, reload);
    }

    private static RouteOptions options(String path, JsonNode node) {
        Balance balance = Balance.LEAST_OUTSTANDING;
        JsonNode balanceNode = node.get("balance");
        if (balanceNode != null && !balanceNode.isNull()) {
            balance = balanceNode.isTextual() ? Balance.ofWord(balanceNode.asText()) : null;
            if (balance == null) {
                throw new RoutesFileException(path + ".balance", Nodes.describe(balanceNode),
                        "least-outstanding or round-robin");
            }
        }
        boolean redirect = false;
        JsonNode redirectNode = node.get("redirect-https");
        if (redirectNode != null && !redirectNode.isNull()) {
            if (!redirectNode.isBoolean()) {
                throw new RoutesFileException(path + ".redirect-https", Nodes.describe(redirectNode), "true or false");
            }
            redirect = redirectNode.asBoolean();
        }
        long maxBody = -1;
        JsonNode sizeNode = node.get("max-body-size");
        if (sizeNode != null && !sizeNode.isNull()) {
            maxBody = size(path + ".max-body-size", sizeNode);
        }
        return new RouteOptions(balance, redirect, maxBody);
    }

    /** A size in bytes: an integer, or digits with k, m or g (powers of 1024). */
    static long size(String field, JsonNode node) {
        long value = node.isIntegralNumber() || node.isTextual() ? SizeText.parseOrMinusOne(node.asText()) : -1;
        if (value < 0) {
            throw new RoutesFileException(field, Nodes.describe(node), SizeText.EXPECTED);
        }
        return value;
    }

    private static Route route(String path, JsonNode node) {
        requireObject(path, node, ROUTE);
        String environment = requireName(path + ".environment", node.get("environment"), "a name such as shop/production");
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
                        "a host name of letters, digits, '-' and '.' (at most 63 in a label), optionally starting with "
                                + "'*.'");
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
        return new Route(environment, hosts, prefix, groups, options(path, node));
    }

    private static TargetGroup group(String path, JsonNode node) {
        requireObject(path, node, GROUP);
        String name = requireName(path + ".name", node.get("name"), "a group name such as v1");
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
        String wrongHost = hostProblem(host);
        if (wrongHost != null) {
            throw new RoutesFileException(field, address, expected + "; " + wrongHost);
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            throw new RoutesFileException(field, address, expected);
        }
        String connectHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return new Target(address, connectHost, port, TargetState.ACTIVE);
    }

    /**
     * What is wrong with a target's host, or null: found here rather than at the first connection, where it would be
     * a 502 under load. An IPv4 address has four numbers up to 255; a name has labels of 1 to 63 letters, digits and
     * hyphens, not starting or ending with one, and a last label that is not all digits (so {@code 10.0.1} is neither).
     */
    static String hostProblem(String host) {
        if (host.startsWith("[")) {
            try {
                java.net.InetAddress.getByName(host); // a bracketed literal: parsed, never looked up
                return null;
            } catch (java.net.UnknownHostException e) {
                return host + " is not an IPv6 address";
            }
        }
        if (host.length() > 253) {
            return "a host name of " + host.length() + " characters (at most 253)";
        }
        String[] labels = host.split("\\.", -1);
        boolean numeric = host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
        if (numeric) {
            if (labels.length != 4) {
                return host + " is not an IPv4 address (four numbers from 0 to 255)";
            }
            for (String n : labels) {
                if (n.isEmpty() || n.length() > 3 || Integer.parseInt(n) > 255) {
                    return host + " is not an IPv4 address (four numbers from 0 to 255)";
                }
            }
            return null;
        }
        for (String label : labels) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return "'" + label + "' in " + host + " is not a host name label (1 to 63 letters, digits and "
                        + "hyphens, not at either end)";
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            return host + " is neither an IPv4 address nor a host name";
        }
        return null;
    }

    private static String requireText(String path, JsonNode node, String expected) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new RoutesFileException(path, Nodes.describe(node), expected);
        }
        return node.asText().trim();
    }

    /** A name that is one field of the access log and a label value of the metrics. */
    private static String requireName(String path, JsonNode node, String expected) {
        String name = requireText(path, node, expected);
        if (!NAME.matcher(name).matches()) {
            throw new RoutesFileException(path, Nodes.describe(node), expected + ", without spaces, quotes or "
                    + "backslashes");
        }
        return name;
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
