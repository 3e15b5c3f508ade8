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
        return DeployCommand.report(api, ref, d, waitForIt, output, this);
    }
}
