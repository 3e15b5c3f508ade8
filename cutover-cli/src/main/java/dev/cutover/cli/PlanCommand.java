package dev.cutover.cli;

import dev.cutover.model.api.PlanRequest;
import dev.cutover.model.api.PlanView;
import dev.cutover.model.bundle.Bundle;
import dev.cutover.model.manifest.Manifest;
import dev.cutover.model.manifest.ManifestException;
import dev.cutover.model.manifest.ManifestReader;
import dev.cutover.model.name.EnvRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "plan", description = "Show, without changing anything, the steps a deploy would take: instances and "
        + "traffic split at each, capacity relative to now, and the minimum time.")
final class PlanCommand extends ApiCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR|BUNDLE.tar.gz", defaultValue = ".",
            description = "The app directory, or a bundle, as cutover deploy takes them")
    Path dir;

    @Option(names = "--to", required = true, paramLabel = "APP[/ENV]")
    String to;

    @Option(names = "--strategy", paramLabel = "NAME", description = "Override the manifest's deploy strategy")
    String strategy;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a deploy parameter (repeatable)")
    List<String> set = new ArrayList<>();

    @Option(names = "--version", paramLabel = "LABEL", description = "The version label the deploy would get, shown "
            + "in the heading (the plan does not depend on it; taken so that a deploy's command line plans as it is)")
    String version;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json")
    OutputFormat output;

    @Override
    int run(ApiClient api) {
        EnvRef ref = env(to);
        DeployCommand.requireVersionLabel(version, "a deploy with it would be refused");
        Manifest manifest;
        ManifestReader.DeployOverrides overrides = new ManifestReader.DeployOverrides(strategy,
                DeploySettings.parse(set));
        try {
            manifest = java.nio.file.Files.isRegularFile(dir) ? DeployCommand.bundleManifest(dir, overrides)
                    : Bundle.manifestOf(dir, overrides);
        } catch (ManifestException e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        } catch (IOException e) {
            throw CliException.unreadable("cannot read " + dir, e);
        }
        PlanView plan = api.post(ApiClient.envPath(ref) + "/plan", new PlanRequest(manifest), PlanView.class);
        if (output == OutputFormat.json) {
            printJson(plan);
            return 0;
        }
        render(ref, plan, version, out());
        out().flush();
        return 0;
    }

    /**
     * The plan as a table of steps, with the minimum time and what happens to capacity; {@code version}, the label
     * the deploy would get, or null.
     */
    static void render(EnvRef ref, PlanView plan, String version, PrintWriter out) {
        out.println("plan: " + ref + " from " + (plan.fromRelease() == 0 ? "nothing" : "v" + plan.fromRelease()
                + " (" + webInstances(plan.oldInstances()) + ")") + " to " + plan.newInstances() + " new "
                + (plan.newInstances() == 1 ? "web instance" : "web instances")
                + (version == null ? "" : " of " + version) + ", strategy " + plan.strategy());
        Table t = new Table("AT", "STEP", "OLD", "NEW", "TRAFFIC OLD/NEW", "CAPACITY");
        for (PlanView.Line l : plan.steps()) {
            // with no instance taking traffic there is no split to show: the environment answers 503 then
            t.row(time(l.atMillis()), l.what(), l.oldInstances(), l.newInstances(), l.traffic(),
                    l.capacityPercent() + "%");
        }
        t.print(out, "  ");
        int lowest = plan.lowestCapacityPercent();
        out.println("minimum time: " + time(plan.minimumMillis()) + " (every health check passing at once, nothing "
                + "in flight to drain, every promote at once)");
        if (plan.newInstances() == 0 && plan.oldInstances() == 0) {
            out.println("no web instance, now or after this deploy: " + ref + " answers 503 until it is scaled up "
                    + "(cutover scale " + ref + " web=N)");
        } else if (plan.newInstances() == 0) {
            out.println("DOWNTIME: " + plan.downtime() + ": " + ref + " would answer 503 from then on "
                    + "(cutover deploy refuses it unless " + ref + " is scaled to web=0 first)");
        } else if (plan.downtime() != null) {
            out.println("DOWNTIME: " + plan.downtime());
        } else if (plan.fromRelease() != 0) {
            out.println("capacity never below " + lowest + "% of now");
        }
    }

    private static String webInstances(int n) {
        return n + (n == 1 ? " web instance" : " web instances");
    }

    static String time(long millis) {
        long s = millis / 1000;
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                : String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
}
