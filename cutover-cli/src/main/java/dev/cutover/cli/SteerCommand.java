package dev.cutover.cli;

import dev.cutover.model.api.DeploymentView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The commands that steer a deployment in progress: promote, pause, resume. */
final class SteerCommand {

    private SteerCommand() {}

    static int steer(ApiCommand cmd, ApiClient api, String target, String verb, String done) {
        DeploymentView d = api.post(ApiClient.envPath(ApiCommand.env(target)) + "/" + verb, null, DeploymentView.class);
        cmd.out().println("deployment " + d.id() + " (v" + d.release() + "): " + done + "; now: " + d.step());
        cmd.out().flush();
        return 0;
    }

    @Command(name = "promote", description = "Move a deployment on: past a pause, a bake, an approval wait, or the "
            + "end of keep-old.")
    static final class Promote extends ApiCommand {
        @Parameters(index = "0", paramLabel = "APP[/ENV]")
        String target;

        @Override
        int run(ApiClient api) {
            return steer(this, api, target, "promote", "promoted");
        }
    }

    @Command(name = "pause", description = "Hold the deployment in progress where it is; deadlines stop running.")
    static final class Pause extends ApiCommand {
        @Parameters(index = "0", paramLabel = "APP[/ENV]")
        String target;

        @Override
        int run(ApiClient api) {
            return steer(this, api, target, "pause", "pausing");
        }
    }

    @Command(name = "resume", description = "Let a paused deployment go on.")
    static final class Resume extends ApiCommand {
        @Parameters(index = "0", paramLabel = "APP[/ENV]")
        String target;

        @Override
        int run(ApiClient api) {
            return steer(this, api, target, "resume", "resuming");
        }
    }
}
