package dev.cutover.model.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads manifests strictly: an unknown key, a value of the wrong type or out of range fails with the field's full
 * path, the value given and what was expected. Nothing is clamped or guessed.
 */
public final class ManifestReader {

    public static final String MANIFEST_FILE = "cutover.yml";
    public static final String PROCFILE = "Procfile";
    public static final String APPLICATION = "application";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern PROCESS_NAME = Pattern.compile("[a-z][a-z0-9-]{0,29}");
    private static final Set<String> TOP = Set.of("processes", "build", "release", "health", "deploy");
    private static final Set<String> PROCESS = Set.of("command", "instances", "stop-signals");
    private static final Set<String> HEALTH =
            Set.of("path", "interval", "timeout", "healthy-threshold", "unhealthy-threshold");
    private static final Set<String> DEPLOY = Set.of("strategy", "stop-timeout", "deadline");

    private ManifestReader() {}

    /** Parses the text of a {@code cutover.yml}. */
    public static Manifest parseYaml(String text) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ManifestException(MANIFEST_FILE, "not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ManifestException("processes", null, "at least one process type, e.g. web: { command: ./server }");
        }
        requireObject("(top level)", root, TOP);
        Map<String, ProcessSpec> processes = processes(root.get("processes"));
        List<String> build = build(root.get("build"));
        String release = optionalText("release", root.get("release"));
        HealthSpec health = health(root.get("health"));
        DeployPolicy deploy = deploy(root.get("deploy"));
        return new Manifest(processes, build, release, health, deploy);
    }

    /** Parses a {@code Procfile}: one {@code name: command} a line; blank lines and {@code #} comments skipped. */
    public static Manifest parseProcfile(String text) {
        Map<String, ProcessSpec> processes = new LinkedHashMap<>();
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            if (colon <= 0) {
                throw new ManifestException(PROCFILE + " line " + lineNumber, trimmed, "NAME: COMMAND");
            }
            String name = trimmed.substring(0, colon).strip();
            String command = trimmed.substring(colon + 1).strip();
            String field = PROCFILE + " line " + lineNumber;
            requireProcessName(field, name);
            if (command.isEmpty()) {
                throw new ManifestException(field, trimmed, "a command after '" + name + ":'");
            }
            if (processes.put(name, new ProcessSpec(command, ProcessSpec.DEFAULT_INSTANCES,
                    ProcessSpec.DEFAULT_STOP_SIGNALS)) != null) {
                throw new ManifestException(field, name, "each process type once");
            }
        }
        return new Manifest(processes, List.of(), null, HealthSpec.TCP_DEFAULT, DeployPolicy.DEFAULT);
    }

    /** The seed platform's contract: an executable named {@code application} runs as {@code web}. */
    public static Manifest forApplicationExecutable() {
        return new Manifest(
                Map.of(Manifest.WEB, new ProcessSpec("./" + APPLICATION, 1, ProcessSpec.DEFAULT_STOP_SIGNALS)),
                List.of(), null, HealthSpec.TCP_DEFAULT, DeployPolicy.DEFAULT);
    }

    private static Map<String, ProcessSpec> processes(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new ManifestException("processes", null, "at least one process type, e.g. web: { command: ./server }");
        }
        if (!node.isObject() || node.isEmpty()) {
            throw new ManifestException("processes", describe(node), "a map of process types, e.g. web: { command: ./server }");
        }
        Map<String, ProcessSpec> processes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = "processes." + e.getKey();
            requireProcessName(path, e.getKey());
            processes.put(e.getKey(), process(path, e.getValue()));
        }
        return processes;
    }

    private static ProcessSpec process(String path, JsonNode node) {
        if (node != null && node.isTextual()) {
            return new ProcessSpec(requireCommand(path, node), ProcessSpec.DEFAULT_INSTANCES,
                    ProcessSpec.DEFAULT_STOP_SIGNALS);
        }
        requireObject(path, node, PROCESS);
        String command = requireCommand(path + ".command", node.get("command"));
        int instances = optionalInt(path + ".instances", node.get("instances"), ProcessSpec.DEFAULT_INSTANCES,
                0, ProcessSpec.MAX_INSTANCES);
        List<String> signals = ProcessSpec.DEFAULT_STOP_SIGNALS;
        JsonNode s = node.get("stop-signals");
        if (s != null) {
            if (!s.isArray() || s.isEmpty()) {
                throw new ManifestException(path + ".stop-signals", describe(s), "a list of signals, e.g. [TERM, INT, KILL]");
            }
            signals = new ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
                String name = s.get(i).asText("").toUpperCase().replaceFirst("^SIG", "");
                if (!s.get(i).isTextual() || !ProcessSpec.SIGNALS.contains(name)) {
                    throw new ManifestException(path + ".stop-signals[" + i + "]", describe(s.get(i)),
                            "one of " + String.join(", ", new java.util.TreeSet<>(ProcessSpec.SIGNALS)));
                }
                signals.add(name);
            }
        }
        return new ProcessSpec(command, instances, signals);
    }

    private static List<String> build(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(requireCommand("build", node));
        }
        if (!node.isArray()) {
            throw new ManifestException("build", describe(node), "a command or a list of commands");
        }
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            commands.add(requireCommand("build[" + i + "]", node.get(i)));
        }
        return commands;
    }

    private static HealthSpec health(JsonNode node) {
        if (node == null || node.isNull()) {
            return HealthSpec.TCP_DEFAULT;
        }
        requireObject("health", node, HEALTH);
        return new HealthSpec(
                optionalText("health.path", node.get("path")),
                optionalDuration("health.interval", node.get("interval"), HealthSpec.DEFAULT_INTERVAL),
                optionalDuration("health.timeout", node.get("timeout"), HealthSpec.DEFAULT_TIMEOUT),
                optionalInt("health.healthy-threshold", node.get("healthy-threshold"),
                        HealthSpec.DEFAULT_HEALTHY_THRESHOLD, 1, 100),
                optionalInt("health.unhealthy-threshold", node.get("unhealthy-threshold"),
                        HealthSpec.DEFAULT_UNHEALTHY_THRESHOLD, 1, 100));
    }

    private static DeployPolicy deploy(JsonNode node) {
        if (node == null || node.isNull()) {
            return DeployPolicy.DEFAULT;
        }
        requireObject("deploy", node, DEPLOY);
        String strategy = node.has("strategy") ? optionalText("deploy.strategy", node.get("strategy")) : DeployPolicy.ROLLING;
        return new DeployPolicy(strategy,
                optionalDuration("deploy.stop-timeout", node.get("stop-timeout"), DeployPolicy.DEFAULT_STOP_TIMEOUT),
                optionalDuration("deploy.deadline", node.get("deadline"), DeployPolicy.DEFAULT_DEADLINE));
    }

    private static void requireObject(String path, JsonNode node, Set<String> keys) {
        if (node == null || !node.isObject()) {
            throw new ManifestException(path, describe(node), "a map with keys " + sorted(keys));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!keys.contains(key)) {
                String field = path.equals("(top level)") ? key : path + "." + key;
                throw new ManifestException(field, "unknown key (expected one of: " + sorted(keys) + ")");
            }
        }
    }

    private static void requireProcessName(String path, String name) {
        if (!PROCESS_NAME.matcher(name).matches()) {
            throw new ManifestException(path, name,
                    "a process type name: a lowercase letter, then up to 29 lowercase letters, digits or '-'");
        }
    }

    private static String requireCommand(String path, JsonNode node) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new ManifestException(path, describe(node), "a command, e.g. \"./bin/server\"");
        }
        return node.asText();
    }

    private static String optionalText(String path, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new ManifestException(path, describe(node), "a non-empty string");
        }
        return node.asText();
    }

    private static int optionalInt(String path, JsonNode node, int fallback, int min, int max) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isInt() || node.asInt() < min || node.asInt() > max) {
            throw new ManifestException(path, describe(node), "an integer from " + min + " to " + max);
        }
        return node.asInt();
    }

    private static Duration optionalDuration(String path, JsonNode node, Duration fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        Duration d = node.isTextual() ? DurationText.parseOrNull(node.asText()) : null;
        if (d == null || d.isZero()) {
            throw new ManifestException(path, describe(node), "a duration above zero such as 500ms, 5s, 10m or 1h");
        }
        return d;
    }

    private static Object describe(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isObject()) {
            return new Shape("a map");
        }
        if (node.isArray()) {
            return new Shape("a list");
        }
        if (node.isNumber()) {
            return node.numberValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.toString();
    }

    /** What was given when it is not a scalar: printed as is, not quoted like a string value. */
    private record Shape(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private static String sorted(Set<String> keys) {
        return String.join(", ", new java.util.TreeSet<>(keys));
    }
}
