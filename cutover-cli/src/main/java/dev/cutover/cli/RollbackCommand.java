package dev.cutover.cli;

import dev.cutover.model.api.DeploymentView;
import dev.cutover.model.api.EventView;
import dev.cutover.model.api.ReleaseView;
import dev.cutover.model.api.RollbackRequest;
import dev.cutover.model.manifest.DeployPolicy;
import dev.cutover.model.name.EnvRef;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "rollback", description = "Go back to an earlier release: its code and its config.")
final class RollbackCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "APP[/ENV]")
    String target;

    @Option(names = "--to", paramLabel = "vN", description = "The release to go back to (default: the one that served "
            + "before the current one)")
    String to;

    @Option(names = "--wait", description = "Show the steps live; exit 0 only when the release is serving")
    boolean waitForIt;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json")
    OutputFormat output;

    @Override
    int run(ApiClient api) {
        EnvRef ref = env(target);
        Integer number = null;
        if (to != null) {
            String digits = to.startsWith("v") ? to.substring(1) : to;
            number = digits.matches("[0-9]{1,9}") ? Integer.parseInt(digits) : null; // 9 digits fit an int
            if (number == null || number == 0) {
                throw new CliException("--to: '" + to + "' (expected: a release such as v3; cutover releases " + ref
                        + " lists them)", CliException.USAGE);
            }
        }
        if (number != null) {
            List<ReleaseView> releases = ReleasesCommand.list(api, ref);
            if (to.startsWith("v")) {
                unambiguous(releases, to, number);
            }
            int n = number;
            releases.stream().filter(r -> r.number() == n && r.neverPassed()).findFirst().ifPresent(r -> {
                err().println("note: v" + n + " never passed its own deployment (" + r.outcome() + "); the rollback to "
                        + "it is health-checked as a deployment is");
                err().flush();
            });
        }
        DeploymentView d;
        try {
            d = api.post(ApiClient.envPath(ref) + "/rollback", new RollbackRequest(number), DeploymentView.class);
        } catch (CliException e) {
            // the API names its field "to"; here it is the option --to
            if (e.getMessage() != null && e.getMessage().startsWith("to: ")) {
                throw new CliException("--" + e.getMessage(), e.exitCode());
            }
            throw e;
        }
        if (d.kind().equals("rollback")) {
            return DeployCommand.report(api, ref, d, waitForIt, output, this);
        }
        if (output == OutputFormat.json) {
            // a deployment in progress turned around: it has done what was asked when it has rolled back
            DeploymentView end = waitForIt ? DeployCommand.waitQuietly(patient(api), d, true) : d;
            printJson(end);
            return !waitForIt || end.phase().equals("rolled-back") ? 0 : CliException.DEPLOYMENT_FAILED;
        }
        // a deployment in progress was turned around: a traffic-shifting one still has its stable set warm
        out().println("deployment " + d.id() + " (v" + d.release() + ") is rolling back to v" + d.previousRelease()
                + (DeployPolicy.inPlace(d.strategy()) ? " by " + d.strategy() : ": traffic goes back to it at once, its "
                        + "instances are still running; no process starts"));
        out().flush();
        if (!waitForIt) {
            return 0;
        }
        // what happened before the rollback was asked for was said by the deploy; the turn-around goes to its end
        int said = d.events().stream().mapToInt(EventView::seq).max().orElse(0);
        DeploymentView end = DeploymentWatch.events(api, d, out(), said, true);
        if (end.phase().equals("rolled-back")) {
            out().println("rolled back: v" + end.previousRelease() + " is serving " + ref);
            out().flush();
            return 0;
        }
        return DeploymentWatch.outcome(end, null, out());
    }

    /**
     * {@code --to v2} names release 2; when another release's version label is {@code v2} too, which was meant is
     * not clear, and going back to the wrong code is worse than asking: refused, with the bare number to say the
     * release.
     */
    private static void unambiguous(List<ReleaseView> releases, String to, int number) {
        List<String> labelled = releases.stream().filter(r -> r.version().equals(to) && r.number() != number)
                .map(r -> "v" + r.number()).toList();
        if (labelled.isEmpty()) {
            return;
        }
        String asked = releases.stream().filter(r -> r.number() == number).findFirst()
                .map(r -> "release v" + number + " (version " + r.version() + ")").orElse("release v" + number);
        throw new CliException("--to: '" + to + "' is ambiguous: it names " + asked + ", and it is the version label of "
                + String.join(", ", labelled) + " (expected: --to " + number + " for release v" + number + ", or --to "
                + labelled.get(0).substring(1) + " for the release labelled " + to + ")", CliException.USAGE);
    }
}
