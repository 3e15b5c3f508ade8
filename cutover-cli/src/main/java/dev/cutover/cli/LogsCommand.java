package dev.cutover.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cutover.model.agent.LogChunk;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.InstanceView;
import dev.cutover.model.api.ScaleView;
import dev.cutover.model.api.StoppedInstanceView;
import dev.cutover.model.json.Json;
import dev.cutover.model.name.EnvRef;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prints the logs of an environment's instances merged in time order. Each line's time is when the agent saw it
 * written (to about 200ms); lines of the same time keep their order within an instance.
 */
@Command(name = "logs", description = {
        "Show the output of an environment's instances, merged in time order, each line prefixed with its instance.",
        "The latest deployment's release command is one of them (type 'release').",
        "With -f, keep printing: instances a deploy starts are added, those it stops end."})
final class LogsCommand extends ApiCommand {

    static final int DEFAULT_LINES = 20;
    private static final long POLL_MS = 500;
    private static final long REFRESH_MS = 2000;
    private static final int CHUNK = 65536;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    @Parameters(index = "0", paramLabel = "APP[/ENV]")
    String target;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output, including instances a deploy starts")
    boolean follow;

    @Option(names = "--instance", paramLabel = "ID", description = "Only this instance (also once it has stopped)")
    String instance;

    @Option(names = "--type", paramLabel = "TYPE", description = "Only instances of this process type, e.g. web; "
            + "'release' for the release command")
    String type;

    @Option(names = {"-n", "--lines"}, paramLabel = "N",
            description = "How many of the latest lines to show first (default: " + DEFAULT_LINES
                    + "; with --since: all since then)")
    Integer lines;

    @Option(names = "--since", paramLabel = "DURATION",
            description = "Only lines written within this long before now, e.g. 30s, 10m, 2h")
    String since;

    @Option(names = {"-t", "--timestamps"}, description = "Prefix each line with the time it was written")
    boolean timestamps;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text",
            description = "text, or json: one object per line, {\"time\", \"instance\", \"text\"}, and with -f "
                    + "{\"instance\", \"ended\": true} when an instance's output ends")
    OutputFormat output;

    private record Line(Instant time, int order, String instance, String text) {}

    /** A line as {@code --output json} prints it. */
    record JsonLine(Instant time, String instance, String text) {}

    /** The end of an instance's output as {@code --output json} prints it, with {@code -f}. */
    record JsonEnd(String instance, boolean ended) {}

    @Override
    int run(ApiClient api) {
        if (lines != null && lines < 0) {
            throw new CliException("--lines: " + lines + " (expected: 0 or more)", CliException.USAGE);
        }
        if (since != null && dev.cutover.model.manifest.DurationText.parseOrNull(since) == null) {
            throw new CliException("--since: " + since + " (expected: a duration such as 30s, 10m or 2h)",
                    CliException.USAGE);
        }
        EnvRef ref = env(target);
        env = ref;
        // Instances being read, with the offset to read next; in the order they were found (ties print in it).
        Map<String, Long> offsets = new LinkedHashMap<>();
        Set<String> done = new HashSet<>();
        List<String> order = new ArrayList<>();
        if (instance != null) {
            String itsType = typeOf(instance);
            if (type != null && itsType != null && !itsType.equals(type)) {
                throw new CliException("--type " + type + ": " + instance + " is a" + ("aeiou".indexOf(itsType.charAt(0))
                        >= 0 ? "n " : " ") + itsType + " instance (expected: --type " + itsType + ", or --instance "
                        + "alone)", CliException.USAGE);
            }
            offsets.put(instance, null);
            order.add(instance);
        } else {
            EnvStatus status = api.get(ApiClient.envPath(ref), EnvStatus.class);
            List<String> ids = sources(status);
            if (ids.isEmpty() && type != null) {
                requireKnownType(api, ref, status);
            }
            if (!RELEASE_TYPE.equals(type) && ids.stream().allMatch(id -> id.endsWith("-" + RELEASE_TYPE))) {
                ids = new ArrayList<>(ids);
                ids.addAll(recentlyStopped(status, ref));
            }
            for (String id : ids) {
                offsets.put(id, null);
                order.add(id);
            }
        }
        List<Line> first = new ArrayList<>();
        for (var e : offsets.entrySet()) {
            e.setValue(readFirst(api, e.getKey(), order.indexOf(e.getKey()), first));
        }
        first.sort(Comparator.comparing(Line::time).thenComparing(Line::order));
        int limit = lines != null ? lines : since != null ? Integer.MAX_VALUE : DEFAULT_LINES;
        print(first.subList(Math.max(0, first.size() - limit), first.size()));
        if (!follow) {
            return 0;
        }
        // the logs are the agent's files: a server that restarts meanwhile serves them on from the same offsets
        api = patient(api);
        long lastRefresh = System.currentTimeMillis();
        while (true) {
            sleep();
            if (instance == null && System.currentTimeMillis() - lastRefresh >= REFRESH_MS) {
                lastRefresh = System.currentTimeMillis();
                for (String id : sources(api.get(ApiClient.envPath(ref), EnvStatus.class))) {
                    if (!offsets.containsKey(id) && !done.contains(id)) {
                        offsets.put(id, 0L); // new since we started: all of its output
                        order.add(id);
                    }
                }
            }
            List<Line> round = new ArrayList<>();
            List<String> ended = new ArrayList<>();
            for (var e : offsets.entrySet()) {
                long offset = e.getValue();
                while (true) {
                    LogChunk chunk = api.get(path(e.getKey()) + "offset=" + offset + "&max=" + CHUNK, LogChunk.class);
                    collect(chunk, e.getKey(), order.indexOf(e.getKey()), round);
                    offset = chunk.next();
                    if (chunk.ended()) {
                        ended.add(e.getKey());
                        break;
                    }
                    if (chunk.text().isEmpty()) {
                        break;
                    }
                }
                e.setValue(offset);
            }
            round.sort(Comparator.comparing(Line::time).thenComparing(Line::order));
            print(round);
            for (String id : ended) {
                offsets.remove(id);
                done.add(id);
                out().println(output == OutputFormat.json ? json(new JsonEnd(id, true)) : "[" + id + "] (ended)");
            }
            out().flush();
            if (instance != null && offsets.isEmpty()) {
                return 0;
            }
        }
    }

    /**
     * What to read: the environment's instances (of {@code --type}), and the release command of its latest
     * deployment (its process type is {@code release}): a migration's output belongs with the app's.
     */
    private List<String> sources(EnvStatus status) {
        List<String> ids = new ArrayList<>();
        var run = status.deployment() == null ? null : status.deployment().releaseCommand();
        if (run != null && run.run() != null && (type == null || type.equals(RELEASE_TYPE))) {
            ids.add(run.run());
        }
        for (InstanceView i : status.instances()) {
            if (type == null || type.equals(i.type())) {
                ids.add(i.id());
            }
        }
        return ids;
    }

    /**
     * With no instance running (a first deploy that failed, say), the instances stopped in the last two minutes,
     * saying so on standard error; or that there are none.
     */
    private List<String> recentlyStopped(EnvStatus status, EnvRef ref) {
        List<String> ids = status.stopped().stream().filter(i -> type == null || type.equals(i.type()))
                .map(StoppedInstanceView::id).toList();
        err().println("note: no instance of " + ref + (type == null ? "" : " of type " + type) + " is running; "
                + (ids.isEmpty() ? "none stopped in the last two minutes either (cutover status " + ref + " shows its "
                + "last deployment; --instance ID reads an earlier instance's log)"
                : "the logs of those stopped in the last two minutes: " + String.join(", ", ids)
                + " (cutover status " + ref + " says how they ended)"));
        err().flush();
        return ids;
    }

    /**
     * A {@code --type} that no instance has is a mistake unless the serving release's manifest names it (its count
     * may be 0, or its instances not started yet): says which types there are.
     */
    private void requireKnownType(ApiClient api, EnvRef ref, EnvStatus status) {
        if (type.equals(RELEASE_TYPE)) {
            var d = status.deployment();
            if (d == null || d.releaseCommand() == null || d.releaseCommand().run() == null) {
                // nothing to read: said, rather than an empty output that looks like a silent command
                boolean never = d != null && NO_RELEASE_COMMAND.contains(d.kind());
                err().println("note: " + (d == null ? ref + " has had no deployment"
                        : "the latest deployment of " + ref + ", " + d.id() + " (a " + d.kind() + "), ran no release "
                        + "command" + (never ? " (rollbacks, scales and removals run none)" : ": its release has none"))
                        + "; --instance dN-release reads the one of deployment N");
                err().flush();
            }
            return;
        }
        if (status.serving() == null) {
            return; // no release serves: the types are those of the instances that ran, if any
        }
        ScaleView scale = api.get(ApiClient.envPath(ref) + "/scale", ScaleView.class);
        Set<String> known = new TreeSet<>(scale.current().keySet());
        if (!known.contains(type)) {
            if (status.deployment() != null && status.deployment().releaseCommand() != null) {
                known.add(RELEASE_TYPE); // there is a release command's output to read
            }
            throw new CliException("--type: '" + type + "' (expected one of: " + String.join(", ", known) + ")",
                    CliException.USAGE);
        }
    }

    /** The most of one log a read returns (the server's limit), and so the widest tail {@code -n} reads. */
    private static final long MAX_TAIL = 1 << 20;

    /** The kinds of deployment that start no new release, and so run no release command. */
    private static final Set<String> NO_RELEASE_COMMAND = Set.of("rollback", "scale", "remove");

    /** The process type in an instance id ({@code d39-web-1}: web; {@code d12-release}: release), or null. */
    static String typeOf(String instanceId) {
        Matcher m = INSTANCE_ID.matcher(instanceId);
        return !m.matches() ? null : m.group(1) != null ? RELEASE_TYPE : m.group(2);
    }

    private static final Pattern INSTANCE_ID = Pattern.compile("d[0-9]+-(?:(release)|(.+)-[0-9]+)");

    /** What {@code --type} calls the release command. */
    static final String RELEASE_TYPE = "release";

    /** Reads what to show first of one instance into {@code into}; returns the offset to follow from. */
    private long readFirst(ApiClient api, String id, int order, List<Line> into) {
        if (since != null) {
            LogChunk chunk = api.get(path(id) + "since=" + URLEncoder.encode(since, StandardCharsets.UTF_8)
                    + "&max=" + CHUNK, LogChunk.class);
            collect(chunk, id, order, into);
            long offset = chunk.next();
            while (!chunk.text().isEmpty() && !chunk.ended()) {
                chunk = api.get(path(id) + "offset=" + offset + "&max=" + CHUNK, LogChunk.class);
                collect(chunk, id, order, into);
                offset = chunk.next();
            }
            return offset;
        }
        int n = lines == null ? DEFAULT_LINES : lines;
        long window = Math.min(MAX_TAIL, Math.max(4096, n * 256L));
        int previous = -1;
        while (true) {
            LogChunk tail = api.get(path(id) + "offset=-" + window + "&max=" + MAX_TAIL, LogChunk.class);
            List<Line> all = new ArrayList<>();
            collect(tail, id, order, all);
            // Lines can be long: a window that holds fewer than n of them widens, until it holds the whole log or
            // the most one read returns. A window inside one line reads nothing (it starts at the next line's start).
            boolean wholeLog = !tail.text().isEmpty() && tail.text().length() == previous;
            if (all.size() >= n || window >= MAX_TAIL || wholeLog) {
                into.addAll(all.subList(Math.max(0, all.size() - n), all.size()));
                return tail.next();
            }
            previous = tail.text().length();
            window = Math.min(MAX_TAIL, window * 4);
        }
    }

    private static void collect(LogChunk chunk, String id, int order, List<Line> into) {
        for (LogChunk.Line l : chunk.lines()) {
            into.add(new Line(l.time() == null ? Instant.EPOCH : l.time(), order, id, l.text()));
        }
    }

    /** The environment named: the server answers only for its instances and release command runs. */
    private EnvRef env;

    private String path(String id) {
        return "/api/instances/" + id + "/log?app=" + env.app() + "&env=" + env.env() + "&";
    }

    private void print(List<Line> list) {
        for (Line l : list) {
            if (output == OutputFormat.json) {
                out().println(json(new JsonLine(l.time(), l.instance(), l.text())));
                continue;
            }
            String time = timestamps ? TIME.format(l.time().atZone(ZoneId.systemDefault())) + " " : "";
            out().println(time + "[" + l.instance() + "] " + l.text());
        }
        out().flush();
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 0);
        }
    }
}
