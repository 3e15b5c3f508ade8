package dev.cutover.cli;

import dev.cutover.model.api.DeploymentView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "abort", description = "Stop the deployment in progress and roll it back.")
final class AbortCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "APP[/ENV]")
    String target;

    @Override
    int run(ApiClient api) {
        DeploymentView d = api.post(ApiClient.envPath(env(target)) + "/abort", null, DeploymentView.class);
        out().println("deployment " + d.id() + " is rolling back; follow it with: cutover status " + target);
        out().flush();
        return 0;
    }
}
