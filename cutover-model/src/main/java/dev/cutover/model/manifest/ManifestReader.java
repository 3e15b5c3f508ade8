package dev.cutover.model.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cutover.model.routing.Balance;
import dev.cutover.model.routing.RouteOptions;
import dev.cutover.model.yaml.Nodes;
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

    /** A key given twice is an error: YAML keeps the last, and the first would be lost without a word. */
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final Pattern PROCESS_NAME = Pattern.compile("[a-z][a-z0-9-]{0,29}");
    private static final Set<String> TOP = Set.of("processes", "build", "release", "health", "deploy", "routing");
    private static final Set<String> ROUTING = Set.of("balance", "redirect-https", "max-body-size");
    private static final Set<String> PROCESS = Set.of("command", "instances", "stop-signals", "overlap");
    private static final Set<String> HEALTH =
            Set.of("path", "tcp", "command", "interval", "timeout", "healthy-threshold", "unhealthy-threshold",
                    "start-period", "restart-after");
    private static final Set<String> ANALYSIS =
            Set.of("max-error-rate", "max-p99", "compare-to-stable", "min-requests", "inconclusive");

    private ManifestReader() {}

    /** Parses the text of a {@code cutover.yml}. */
    public static Manifest parseYaml(String text) {
        return parseYaml(text, DeployOverrides.NONE);
    }

    /**
     * Parses the text of a {@code cutover.yml} with the deploy policy changed as {@code cutover deploy --strategy
     * NAME --set KEY=VALUE} asks; the result is validated as if the file said so.
     */
    public static Manifest parseYaml(String text, DeployOverrides overrides) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            Nodes.SyntaxProblem problem = Nodes.syntaxProblem(e, MANIFEST_FILE);
            throw new ManifestException(problem.field(), problem.message());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ManifestException("processes", null, "at least one process type, e.g. web: { command: ./server }");
        }
        if (!root.isObject()) {
            requireObject("(top level)", root, TOP);
        }
        // Each section is read on its own, so that one pass reports a problem in each, not only the first.
        List<ManifestException> problems = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP.contains(key)) {
                problems.add(new ManifestException(key, "unknown key (expected one of: " + Nodes.sorted(TOP) + ")"));
            }
        }
        Map<String, ProcessSpec> processes = section(problems, () -> processes(root.get("processes")));
        List<String> build = section(problems, () -> build(root.get("build")));
        // a release key with no value is a mistake, not "no release command": strict like every other field
        String release = section(problems, () -> root.has("release")
                ? requireCommand("release", root.get("release"), "./bin/migrate") : null);
        HealthSpec health = section(problems, () -> health(root.get("health")));
        DeployPolicy deploy = section(problems, () -> deploy(overrides.applyTo(root.get("deploy"))));
        RouteOptions routing = section(problems, () -> routing(root.get("routing")));
        if (health != null && deploy != null) {
            JsonNode h = root.get("health");
            boolean intervalWritten = h != null && h.isObject() && h.has("interval");
            section(problems, () -> {
                requireHealthyInTime(health, deploy, intervalWritten);
                return null;
            });
        }
        if (!problems.isEmpty()) {
            // in the order of the file, a section it leaves out (processes, say) last
            List<String> order = new ArrayList<>();
            root.fieldNames().forEachRemaining(order::add);
            problems.sort(java.util.Comparator.comparingInt(p -> {
                String top = p.field().split("[.\\[]", 2)[0];
                int at = order.indexOf(top);
                return at < 0 ? Integer.MAX_VALUE : at;
            }));
            throw ManifestException.of(problems);
        }
        return new Manifest(processes, build, release, health, deploy, routing);
    }

    /** Reads one section; a problem in it is added to {@code problems} and the section is null. */
    private static <T> T section(List<ManifestException> problems, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (ManifestException e) {
            problems.add(e);
            return null;
        }
    }

    /** The shortest probe interval: more often than this, probing is load on the app, not a check of it. */
    public static final Duration MIN_PROBE_INTERVAL = Duration.ofMillis(100);

    /**
     * A new instance passes {@code healthy-threshold} probes an interval apart before it is healthy: when that cannot
     * happen within {@code deploy.deadline}, every deployment of the release would fail, so the manifest is refused.
     */
    private static void requireHealthyInTime(HealthSpec health, DeployPolicy deploy, boolean intervalWritten) {
        Duration needed = health.interval().multipliedBy(health.healthyThreshold() - 1L);
        if (needed.compareTo(deploy.deadline()) >= 0 && !intervalWritten) {
            // the deadline is what the manifest changed: it is named, with the default interval it falls foul of
            throw new ManifestException("deploy.deadline", DurationText.format(deploy.deadline()), "a deadline longer "
                    + "than health.healthy-threshold (" + health.healthyThreshold() + ") probes take at the default "
                    + "health.interval (" + DurationText.format(health.interval()) + "): the first probe comes at once "
                    + "and the last " + DurationText.format(needed) + " later, so no instance could ever become "
                    + "healthy in time; give a longer deadline, or a shorter health.interval");
        }
        if (needed.compareTo(deploy.deadline()) >= 0) {
            throw new ManifestException("health.interval", DurationText.format(health.interval()), "an interval "
                    + "short enough for health.healthy-threshold (" + health.healthyThreshold() + ") probes to pass "
                    + "within deploy.deadline (" + DurationText.format(deploy.deadline()) + "): the first probe "
                    + "comes at once and the last " + DurationText.format(needed) + " later, so no instance could "
                    + "ever become healthy in time");
        }
    }

    /** A manifest from a {@code Procfile} or an {@code application} executable, with deploy overrides. */
    public static Manifest withOverrides(Manifest base, DeployOverrides overrides) {
        if (overrides.isEmpty()) {
            return base;
        }
        return new Manifest(base.processes(), base.build(), base.release(), base.health(),
                deploy(overrides.applyTo(null)), base.routing());
    }

    /**
     * What {@code --strategy} and {@code --set} change in a manifest's {@code deploy:} section. A value is read as
     * YAML, so {@code percent=20}, {@code surge=false}, {@code interval=2m} and {@code steps=[{set-weight: 20},
     * {pause: 5m}]} mean what they would in the file; {@code analysis.max-error-rate=5%} reaches into the analysis.
     */
    public record DeployOverrides(String strategy, Map<String, String> set) {
        public static final DeployOverrides NONE = new DeployOverrides(null, Map.of());

        public DeployOverrides {
            set = set == null ? Map.of() : Map.copyOf(set);
        }

        public boolean isEmpty() {
            return (strategy == null || strategy.isBlank()) && set.isEmpty();
        }

        JsonNode applyTo(JsonNode deploy) {
            if (isEmpty()) {
                return deploy;
            }
            if (deploy != null && !deploy.isNull() && !deploy.isObject()) {
                return deploy; // reported as it is by deploy()
            }
            com.fasterxml.jackson.databind.node.ObjectNode node = deploy == null || deploy.isNull()
                    ? YAML.createObjectNode() : ((com.fasterxml.jackson.databind.node.ObjectNode) deploy).deepCopy();
            if (strategy != null && !strategy.isBlank()) {
                String also = set.get("strategy");
                if (also != null && !also.strip().equals(strategy)) {
                    throw new ManifestException("--set strategy", also, "no second strategy: --strategy " + strategy
                            + " is given too; give one of the two");
                }
                String before = node.path("strategy").asText(DeployPolicy.ROLLING);
                if (!before.equals(strategy)) {
                    // the file's parameters belong to its strategy; the common ones still hold
                    node.retain(DeployPolicy.COMMON_KEYS);
                }
                node.put("strategy", strategy);
            }
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(set).entrySet()) {
                JsonNode value;
                try {
                    value = YAML.readTree(e.getValue());
                } catch (JsonProcessingException ex) {
                    value = null;
                }
                if (value == null || value.isMissingNode()) {
                    value = YAML.getNodeFactory().textNode(e.getValue());
                }
                String key = e.getKey();
                int dot = key.indexOf('.');
                if (dot > 0) {
                    String parent = key.substring(0, dot);
                    com.fasterxml.jackson.databind.node.ObjectNode child = node.get(parent) instanceof
                            com.fasterxml.jackson.databind.node.ObjectNode o ? o : node.putObject(parent);
                    child.set(key.substring(dot + 1), value);
                } else {
                    node.set(key, value);
                }
            }
            return node;
        }
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
            throw new ManifestException("processes", Nodes.describe(node), "a map of process types, e.g. web: { command: ./server }");
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
                throw new ManifestException(path + ".stop-signals", Nodes.describe(s), "a list of signals, e.g. [TERM, INT, KILL]");
            }
            signals = new ArrayList<>();
            for (int i = 0; i < s.size(); i++) {
                String name = s.get(i).asText("").toUpperCase().replaceFirst("^SIG", "");
                if (!s.get(i).isTextual() || !ProcessSpec.SIGNALS.contains(name)) {
                    throw new ManifestException(path + ".stop-signals[" + i + "]", Nodes.describe(s.get(i)),
                            "one of " + String.join(", ", new java.util.TreeSet<>(ProcessSpec.SIGNALS)));
                }
                if (!signals.isEmpty() && signals.getLast().equals("KILL")) {
                    throw new ManifestException(path + ".stop-signals[" + i + "]", Nodes.describe(s.get(i)),
                            "nothing after KILL, which cannot be caught: the process is gone before a next signal");
                }
                signals.add(name);
            }
        }
        boolean overlap = false;
        JsonNode o = node.get("overlap");
        if (o != null && !o.isNull()) {
            if (!o.isTextual() || !(o.asText().equals("never") || o.asText().equals("allowed"))) {
                throw new ManifestException(path + ".overlap", Nodes.describe(o), "never or allowed");
            }
            overlap = o.asText().equals("allowed");
        }
        return new ProcessSpec(command, instances, signals, overlap);
    }

    private static List<String> build(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(requireCommand("build", node));
        }
        if (!node.isArray()) {
            throw new ManifestException("build", Nodes.describe(node), "a command or a list of commands");
        }
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            commands.add(requireCommand("build[" + i + "]", node.get(i)));
        }
        return commands;
    }

    /** {@code routing: { balance: round-robin, redirect-https: true, max-body-size: 10m }}; all optional. */
    private static RouteOptions routing(JsonNode node) {
        if (node == null || node.isNull()) {
            return RouteOptions.DEFAULT;
        }
        requireObject("routing", node, ROUTING);
        Balance balance = Balance.LEAST_OUTSTANDING;
        JsonNode b = node.get("balance");
        if (b != null && !b.isNull()) {
            balance = b.isTextual() ? Balance.ofWord(b.asText()) : null;
            if (balance == null) {
                throw new ManifestException("routing.balance", Nodes.describe(b), "least-outstanding or round-robin");
            }
        }
        boolean redirect = false;
        JsonNode r = node.get("redirect-https");
        if (r != null && !r.isNull()) {
            if (!r.isBoolean()) {
                throw new ManifestException("routing.redirect-https", Nodes.describe(r), "true or false");
            }
            redirect = r.asBoolean();
        }
        long maxBody = -1;
        JsonNode m = node.get("max-body-size");
        if (m != null && !m.isNull()) {
            maxBody = m.isIntegralNumber() || m.isTextual() ? SizeText.parseOrMinusOne(m.asText()) : -1;
            if (maxBody < 0) {
                throw new ManifestException("routing.max-body-size", Nodes.describe(m), SizeText.EXPECTED);
            }
        }
        return new RouteOptions(balance, redirect, maxBody);
    }

    private static HealthSpec health(JsonNode node) {
        if (node == null || node.isNull()) {
            return HealthSpec.TCP_DEFAULT;
        }
        requireObject("health", node, HEALTH);
        String path = optionalText("health.path", node.get("path"));
        String command = optionalText("health.command", node.get("command"));
        JsonNode tcp = node.get("tcp");
        if (tcp != null && !tcp.isBoolean()) {
            throw new ManifestException("health.tcp", Nodes.describe(tcp), "true (probe by TCP connect)");
        }
        if (tcp != null && !tcp.booleanValue()) {
            throw new ManifestException("health.tcp", false,
                    "true, or leave it out and give path (HTTP) or command instead");
        }
        int kinds = (path != null ? 1 : 0) + (command != null ? 1 : 0) + (tcp != null ? 1 : 0);
        if (kinds > 1) {
            throw new ManifestException(path != null && command != null ? "health.command" : "health.tcp",
                    "only one probe kind (expected: one of path, command or tcp: true)");
        }
        Duration interval = optionalDuration("health.interval", node.get("interval"), HealthSpec.DEFAULT_INTERVAL);
        if (interval.compareTo(MIN_PROBE_INTERVAL) < 0) {
            throw new ManifestException("health.interval", DurationText.format(interval), "a duration of at least "
                    + DurationText.format(MIN_PROBE_INTERVAL) + ": a probe more often than that is load on the app");
        }
        return new HealthSpec(path, command, interval,
                optionalDuration("health.timeout", node.get("timeout"), HealthSpec.DEFAULT_TIMEOUT),
                optionalInt("health.healthy-threshold", node.get("healthy-threshold"),
                        HealthSpec.DEFAULT_HEALTHY_THRESHOLD, 1, 100),
                optionalInt("health.unhealthy-threshold", node.get("unhealthy-threshold"),
                        HealthSpec.DEFAULT_UNHEALTHY_THRESHOLD, 1, 100),
                node.hasNonNull("start-period")
                        ? optionalDuration("health.start-period", node.get("start-period"), Duration.ZERO) : null,
                node.hasNonNull("restart-after")
                        ? optionalDuration("health.restart-after", node.get("restart-after"), null) : null);
    }

    private static DeployPolicy deploy(JsonNode node) {
        if (node == null || node.isNull()) {
            return DeployPolicy.DEFAULT;
        }
        if (!node.isObject()) {
            throw new ManifestException("deploy", Nodes.describe(node), "a map with a strategy and its parameters");
        }
        JsonNode strategyNode = node.get("strategy");
        if (strategyNode != null && !strategyNode.isTextual()) {
            throw new ManifestException("deploy.strategy", Nodes.describe(strategyNode), "one of "
                    + String.join(", ", DeployPolicy.STRATEGIES) + ", or a preset such as canary-10-5m");
        }
        String named = node.has("strategy") ? optionalText("deploy.strategy", strategyNode) : DeployPolicy.ROLLING;
        String strategy = DeployPolicy.PRESETS.getOrDefault(named, named);
        if (!DeployPolicy.STRATEGIES.contains(strategy)) {
            new DeployPolicy(named, DeployPolicy.DEFAULT_STOP_TIMEOUT, DeployPolicy.DEFAULT_DEADLINE, Duration.ZERO,
                    true, DeployPolicy.Batch.ONE, true, false, false, Duration.ZERO, List.of(), null, null); // names them
        }
        Set<String> own = DeployPolicy.keysOf(strategy);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!DeployPolicy.COMMON_KEYS.contains(key) && !own.contains(key)) {
                throw new ManifestException("deploy." + key, "not a parameter of " + strategy + " (expected one of: "
                        + Nodes.sorted(own.isEmpty() ? Set.of("(none)") : own) + ", or the common " + Nodes.sorted(
                        DeployPolicy.COMMON_KEYS) + ")");
            }
        }
        Duration stopTimeout = optionalDuration("deploy.stop-timeout", node.get("stop-timeout"),
                DeployPolicy.DEFAULT_STOP_TIMEOUT);
        Duration deadline = durationAtLeast("deploy.deadline", node.get("deadline"), DeployPolicy.DEFAULT_DEADLINE,
                DeployPolicy.MIN_DEADLINE, "how long one step may take, such as a new instance starting and passing "
                        + "its health checks");
        Duration minHealthy = optionalDurationOrZero("deploy.min-healthy-time", node.get("min-healthy-time"), Duration.ZERO);
        if (minHealthy.compareTo(deadline) >= 0) {
            throw new ManifestException("deploy.min-healthy-time", DurationText.format(minHealthy) + " (expected: "
                    + "shorter than deploy.deadline, " + DurationText.format(deadline) + ": a new instance must become "
                    + "healthy and stay so for min-healthy-time before the deadline, counted from its launch, runs out)");
        }
        boolean autoRollback = optionalBoolean("deploy.auto-rollback", node.get("auto-rollback"), true);
        DeployPolicy.Batch batch = batch(node.get("batch"));
        boolean surge = optionalBoolean("deploy.surge", node.get("surge"), true);
        boolean preview = optionalBoolean("deploy.preview", node.get("preview"), true);
        boolean approval = optionalBoolean("deploy.approval", node.get("approval"), false);
        Duration keepOld = optionalDurationOrZero("deploy.keep-old", node.get("keep-old"),
                strategy.equals(DeployPolicy.BLUE_GREEN) ? DeployPolicy.DEFAULT_KEEP_OLD : Duration.ZERO);
        Analysis analysis = node.has("analysis") ? analysis("deploy.analysis", node.get("analysis")) : null;
        Duration watch = optionalDurationOrZero("deploy.watch", node.get("watch"), DeployPolicy.DEFAULT_WATCH);
        List<TrafficStep> steps = switch (strategy) {
            case DeployPolicy.CANARY -> DeployPolicy.canary(
                    optionalInt("deploy.percent", node.get("percent"), presetPercent(named, DeployPolicy.DEFAULT_CANARY_PERCENT), 1, 99),
                    optionalDuration("deploy.interval", node.get("interval"),
                            presetInterval(named, DeployPolicy.DEFAULT_CANARY_INTERVAL)));
            case DeployPolicy.LINEAR -> DeployPolicy.linear(
                    optionalInt("deploy.percent", node.get("percent"), presetPercent(named, DeployPolicy.DEFAULT_LINEAR_PERCENT), 1, 50),
                    optionalDuration("deploy.interval", node.get("interval"),
                            presetInterval(named, DeployPolicy.DEFAULT_LINEAR_INTERVAL)));
            case DeployPolicy.STEPS -> steps(node.get("steps"), analysis);
            default -> List.of();
        };
        return new DeployPolicy(strategy, stopTimeout, deadline, minHealthy, autoRollback, batch, surge, preview,
                approval, keepOld, steps, analysis, watch);
    }

    private static int presetPercent(String named, int fallback) {
        return DeployPolicy.PRESETS.containsKey(named) ? Integer.parseInt(named.split("-")[1]) : fallback;
    }

    private static Duration presetInterval(String named, Duration fallback) {
        return DeployPolicy.PRESETS.containsKey(named) ? DurationText.parse("deploy.strategy", named.split("-")[2])
                : fallback;
    }

    private static DeployPolicy.Batch batch(JsonNode node) {
        if (node == null || node.isNull()) {
            return DeployPolicy.Batch.ONE;
        }
        if (node.isInt() && node.asInt() >= 1) {
            return new DeployPolicy.Batch(node.asInt(), 0);
        }
        if (node.isTextual() && node.asText().matches("\\d{1,3}%")) {
            int p = Integer.parseInt(node.asText().substring(0, node.asText().length() - 1));
            if (p >= 1 && p <= 100) {
                return new DeployPolicy.Batch(0, p);
            }
        }
        throw new ManifestException("deploy.batch", Nodes.describe(node), "a count of at least 1 or a percentage such as 25%");
    }

    private static List<TrafficStep> steps(JsonNode node, Analysis analysis) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new ManifestException("deploy.steps", Nodes.describe(node),
                    "a list of steps, e.g. [{set-weight: 20}, {pause: 5m}, {analysis: {max-error-rate: 1%}}]");
        }
        List<TrafficStep> steps = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String path = "deploy.steps[" + i + "]";
            JsonNode step = node.get(i);
            if (!step.isObject() || step.size() != 1) {
                throw new ManifestException(path, Nodes.describe(step), "one of {set-weight: N}, {pause: DURATION}, "
                        + "{pause: until-promote}, {analysis: {...}}");
            }
            String kind = step.fieldNames().next();
            JsonNode value = step.get(kind);
            steps.add(switch (kind) {
                case "set-weight" -> new TrafficStep.SetWeight(optionalInt(path + ".set-weight", value, -1, 0, 100));
                case "pause" -> value.isTextual() && value.asText().equals("until-promote")
                        ? new TrafficStep.Pause(null)
                        : new TrafficStep.Pause(pause(path + ".pause", value));
                case "analysis" -> new TrafficStep.Analyze(value.isNull() || value.isEmpty() && analysis != null
                        ? analysis : analysis(path + ".analysis", value));
                default -> throw new ManifestException(path + "." + kind,
                        "unknown step (expected one of: analysis, pause, set-weight)");
            });
        }
        return steps;
    }

    private static Analysis analysis(String path, JsonNode node) {
        requireObject(path, node, ANALYSIS);
        double rate = Analysis.DEFAULT_MAX_ERROR_RATE;
        JsonNode r = node.get("max-error-rate");
        if (r != null) {
            rate = share(path + ".max-error-rate", r);
        }
        JsonNode p99 = node.get("max-p99");
        Analysis.Inconclusive inconclusive = Analysis.Inconclusive.WAIT;
        JsonNode inc = node.get("inconclusive");
        if (inc != null) {
            try {
                inconclusive = Analysis.Inconclusive.valueOf(inc.asText("").toUpperCase());
            } catch (IllegalArgumentException e) {
                throw new ManifestException(path + ".inconclusive", Nodes.describe(inc), "wait, pause, fail or proceed");
            }
        }
        return new Analysis(rate, p99 == null ? null : optionalDuration(path + ".max-p99", p99, null),
                optionalBoolean(path + ".compare-to-stable", node.get("compare-to-stable"), false),
                optionalInt(path + ".min-requests", node.get("min-requests"), Analysis.DEFAULT_MIN_REQUESTS, 0,
                        1_000_000_000),
                inconclusive);
    }

    /**
     * A share written as a percentage, {@code 1%} or {@code 0.5%}. A bare number is refused, 0 aside: {@code 0.5} could
     * mean 0.5% or 50%, and read the wrong way it would pass a release failing half its requests.
     */
    private static double share(String path, JsonNode node) {
        if (node.isNumber() && node.asDouble() == 0) {
            return 0;
        }
        if (node.isTextual() && node.asText().matches("\\d{1,3}(\\.\\d+)?%")) {
            double p = Double.parseDouble(node.asText().substring(0, node.asText().length() - 1));
            if (p <= 100) {
                return p / 100;
            }
        }
        throw new ManifestException(path, Nodes.describe(node), "a percentage with its % sign, such as 1% or 0.5%"
                + (node.isNumber() ? ": a bare " + node.asText() + " could mean " + node.asText() + "% or "
                        + percent(node.asDouble()) + "%" : ""));
    }

    private static boolean optionalBoolean(String path, JsonNode node, boolean fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw new ManifestException(path, Nodes.describe(node), "true or false");
        }
        return node.asBoolean();
    }

    private static Duration optionalDurationOrZero(String path, JsonNode node, Duration fallback) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        Duration d = node.isTextual() ? DurationText.parseOrNull(node.asText()) : null;
        if (d == null) {
            throw new ManifestException(path, Nodes.describe(node), "a duration such as 0s, 30s, 10m or 1h"
                    + (node.isTextual() ? DurationText.hint(node.asText()) : ""));
        }
        return d;
    }

    /** A duration of at least {@code min} (0 and below refused with the same words), {@code fallback} when absent. */
    private static Duration durationAtLeast(String path, JsonNode node, Duration fallback, Duration min, String what) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        Duration d = node.isTextual() ? DurationText.parseOrNull(node.asText()) : null;
        if (d == null || d.compareTo(min) < 0) {
            throw new ManifestException(path, Nodes.describe(node), "a duration of at least " + DurationText.format(min)
                    + ", such as 1m or 10m: " + what + (d == null && node.isTextual() ? DurationText.hint(node.asText())
                            : ""));
        }
        return d;
    }

    private static String percent(double fraction) {
        java.math.BigDecimal p = java.math.BigDecimal.valueOf(fraction).movePointRight(2).stripTrailingZeros();
        return p.scale() < 0 ? p.setScale(0).toPlainString() : p.toPlainString();
    }

    private static void requireObject(String path, JsonNode node, Set<String> keys) {
        if (node == null || !node.isObject()) {
            throw new ManifestException(path, Nodes.describe(node), "a map with keys " + Nodes.sorted(keys));
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!keys.contains(key)) {
                String field = path.equals("(top level)") ? key : path + "." + key;
                throw new ManifestException(field, "unknown key (expected one of: " + Nodes.sorted(keys) + ")");
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
        return requireCommand(path, node, "./bin/server");
    }

    private static String requireCommand(String path, JsonNode node, String example) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new ManifestException(path, Nodes.describe(node), "a command, e.g. \"" + example + "\"");
        }
        return node.asText();
    }

    private static String optionalText(String path, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new ManifestException(path, Nodes.describe(node), "a non-empty string");
        }
        return node.asText();
    }

    private static int optionalInt(String path, JsonNode node, int fallback, int min, int max) {
        if (node == null) {
            return fallback;
        }
        if (node.isNull()) { // the key with no value: a value forgotten, not "the default"
            throw new ManifestException(path, null, "an integer from " + min + " to " + max + ", or leave the key "
                    + "out for " + fallback);
        }
        if (!node.isInt() || node.asInt() < min || node.asInt() > max) {
            throw new ManifestException(path, Nodes.describe(node), "an integer from " + min + " to " + max);
        }
        return node.asInt();
    }

    /** A pause step's length: a duration above zero; {@code until-promote} is taken before this. */
    private static Duration pause(String path, JsonNode node) {
        Duration d = node != null && node.isTextual() ? DurationText.parseOrNull(node.asText()) : null;
        if (d == null || d.isZero()) {
            throw new ManifestException(path, node == null || node.isNull() ? null : Nodes.describe(node),
                    "a duration above zero such as 30s or 10m, or until-promote (waits for cutover promote)"
                            + (node != null && node.isTextual() ? DurationText.hint(node.asText()) : ""));
        }
        return d;
    }

    private static Duration optionalDuration(String path, JsonNode node, Duration fallback) {
        if (node == null || node.isNull()) {
            if (fallback == null) {
                throw new ManifestException(path, null, "a duration above zero such as 500ms, 5s, 10m or 1h");
            }
            return fallback;
        }
        Duration d = node.isTextual() ? DurationText.parseOrNull(node.asText()) : null;
        if (d == null || d.isZero()) {
            throw new ManifestException(path, Nodes.describe(node), "a duration above zero such as 500ms, 5s, 10m or 1h"
                    + (node.isTextual() ? DurationText.hint(node.asText()) : ""));
        }
        return d;
    }

}
