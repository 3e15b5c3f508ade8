package dev.cutover.cli;

import dev.cutover.model.api.ScaleRequest;
import dev.cutover.model.api.ScaleView;
import dev.cutover.model.name.EnvRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scale", description = "Set how many instances of each process type an environment runs, e.g. "
        + "web=4: new instances start (and take traffic once healthy) or extra ones drain and stop; nothing else "
        + "restarts. The counts stay the environment's for later releases. Without TYPE=N, show the counts.")
final class ScaleCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "APP[/ENV]")
    String target;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "TYPE=N")
    List<String> counts = new ArrayList<>();

    @Option(names = "--wait", description = "Wait until the new counts run (exit 1 if the scale rolled back)")
    boolean waitForIt;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json")
    OutputFormat output;

    @Override
    int run(ApiClient api) {
        EnvRef ref = env(target);
        Map<String, Integer> wanted = parse(counts);
        String path = ApiClient.envPath(ref) + "/scale";
        ScaleView s = wanted.isEmpty() ? api.get(path, ScaleView.class)
                : api.post(path, new ScaleRequest(wanted), ScaleView.class);
        if (s.deployment() != null) {
            if (output == OutputFormat.text) {
                out().println("scaling " + ref + ": " + change(s.current(), s.target()));
                if (Integer.valueOf(0).equals(s.target().get("web"))) {
                    out().println("with no web instance, " + ref + " answers 503 until it is scaled up again");
                }
            }
            return DeployCommand.report(api, ref, s.deployment(), waitForIt, output, this);
        }
        if (output == OutputFormat.json) {
            printJson(s);
            return 0;
        }
        out().println((wanted.isEmpty() ? ref + " runs " : ref + " already runs ") + counts(s.current(), s.manifest())
                + (wanted.isEmpty() ? "" : "; nothing to do"));
        out().flush();
        return 0;
    }

    /** {@code web=4} arguments, in order; a malformed one is a usage error naming it. */
    static Map<String, Integer> parse(List<String> args) {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new CliException("'" + arg + "' (expected: TYPE=N, e.g. web=3)", CliException.USAGE);
            }
            String type = arg.substring(0, eq);
            String n = arg.substring(eq + 1);
            Integer earlier;
            try {
                if (n.startsWith("+")) {
                    throw new CliException("processes." + type + ": '" + n + "' (expected: the number of instances "
                            + "wanted, e.g. " + type + "=3; counts are absolute, not changes)", CliException.USAGE);
                }
                earlier = wanted.put(type, Integer.parseInt(n));
            } catch (NumberFormatException e) {
                throw new CliException("processes." + type + ": '" + n + "' (expected: a whole number of instances, "
                        + "e.g. " + type + "=3)", CliException.USAGE);
            }
            if (earlier != null) {
                throw new CliException("processes." + type + ": given twice ('" + type + "=" + earlier + "' and '"
                        + arg + "'; expected: each type once)", CliException.USAGE);
            }
        }
        return wanted;
    }

    /** {@code web 2 → 4, worker 1 → 0}: the types whose count changes. */
    static String change(Map<String, Integer> from, Map<String, Integer> to) {
        List<String> parts = new ArrayList<>();
        to.forEach((type, n) -> {
            Integer was = from.get(type);
            if (!n.equals(was)) {
                parts.add(type + " " + was + " → " + n);
            }
        });
        return String.join(", ", parts);
    }

    /** {@code web=4 (the manifest says 2), worker=1}. */
    static String counts(Map<String, Integer> current, Map<String, Integer> manifest) {
        List<String> parts = new ArrayList<>();
        current.forEach((type, n) -> parts.add(type + "=" + n + (n.equals(manifest.get(type)) ? ""
                : " (the manifest says " + manifest.get(type) + ")")));
        return String.join(", ", parts);
    }
}
