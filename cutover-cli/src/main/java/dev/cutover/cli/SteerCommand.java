package dev.cutover.cli;

import dev.cutover.model.api.DeploymentView;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.EventView;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The commands that steer a deployment in progress: promote, pause, resume. */
final class SteerCommand {

    private SteerCommand() {}

    /** How long to wait for the controller to act on the request before saying where the deployment stands. */
    private static final Duration SETTLE = Duration.ofSeconds(3);

    /**
     * Asks, then waits (up to {@link #SETTLE}) for the deployment's history to show the controller acted on it, as
     * an event starting with {@code event}: the answer to the request itself shows the deployment as it was before.
     */
    static int steer(ApiCommand cmd, ApiClient api, String target, String verb, String event) {
        String env = ApiClient.envPath(ApiCommand.env(target));
        // The events as they were before asking: the controller may act between the request and its answer, and
        // then the answer already holds the event looked for.
        DeploymentView before = api.get(env, EnvStatus.class).deployment();
        DeploymentView asked = api.post(env + "/" + verb, null, DeploymentView.class);
        int known = before == null || before.id() != asked.id() ? 0
                : before.events().stream().mapToInt(EventView::seq).max().orElse(0);
        List<EventView> after = new ArrayList<>(asked.events().stream().filter(e -> e.seq() > known).toList());
        int seen = Math.max(known, asked.events().stream().mapToInt(EventView::seq).max().orElse(0));
        DeploymentView d = asked;
        long until = System.nanoTime() + SETTLE.toNanos();
        while (!d.finished() && after.stream().noneMatch(e -> e.message().startsWith(event))
                && System.nanoTime() < until) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            d = api.get("/api/deployments/" + d.id() + "?after=" + seen, DeploymentView.class);
            after.addAll(d.events());
            seen = after.isEmpty() ? seen : after.getLast().seq();
        }
        PrintWriter out = cmd.out();
        boolean acted = after.stream().anyMatch(e -> e.message().startsWith(event));
        String head = "deployment " + d.id() + " (v" + d.release() + ")";
        if (acted) {
            out.println(head + ": " + event);
            after.forEach(e -> out.println("  " + e.message()));
        } else if (d.finished()) {
            out.println(head + " has ended: " + d.phase());
        } else if (verb.equals("pause") && "resume".equals(d.awaiting())) {
            out.println(head + " was already paused (cutover resume goes on)");
        } else if (verb.equals("resume") && !"resume".equals(d.awaiting())) {
            out.println(head + " was not paused");
        } else if (verb.equals("promote") && "resume".equals(d.awaiting())) {
            out.println(head + ": asked to " + verb + "; the deployment is paused, so it takes effect when it is "
                    + "resumed (cutover resume " + d.app() + "/" + d.env() + ")");
        } else {
            out.println(head + ": asked to " + verb + "; the controller has not acted on it yet (cutover status "
                    + d.app() + "/" + d.env() + ")");
        }
        if (!d.finished()) {
            out.println("now: " + d.step());
        }
        out.flush();
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
            return steer(this, api, target, "pause", "paused");
        }
    }

    @Command(name = "resume", description = "Let a paused deployment go on.")
    static final class Resume extends ApiCommand {
        @Parameters(index = "0", paramLabel = "APP[/ENV]")
        String target;

        @Override
        int run(ApiClient api) {
            return steer(this, api, target, "resume", "resumed");
        }
    }
}
