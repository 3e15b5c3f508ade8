package dev.cutover.cli;

import dev.cutover.model.api.DeploymentView;
import dev.cutover.model.api.RollbackRequest;
import dev.cutover.model.name.EnvRef;
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
            try {
                number = Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw new CliException("--to: '" + to + "' (expected: a release such as v3)", CliException.USAGE);
            }
        }
        DeploymentView d = api.post(ApiClient.envPath(ref) + "/rollback", new RollbackRequest(number),
                DeploymentView.class);
        if (d.kind().equals("rollback") || output == OutputFormat.json) {
            return DeployCommand.report(api, ref, d, waitForIt, output, this);
        }
        // a traffic-shifting deployment in progress was turned around: its stable set is still warm
        out().println("deployment " + d.id() + " (v" + d.release() + ") is rolling back: traffic goes back to v"
                + d.previousRelease() + " at once, its instances are still running; no process starts");
        out().flush();
        if (!waitForIt) {
            return 0;
        }
        DeploymentView end = DeploymentWatch.events(api, d, out());
        if (end.phase().equals("rolled-back")) {
            out().println("rolled back: v" + end.previousRelease() + " is serving " + ref);
            out().flush();
            return 0;
        }
        return DeploymentWatch.outcome(end, null, out());
    }
}
