package dev.cutover.cli;

import dev.cutover.model.api.DeploymentView;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.InstanceView;
import dev.cutover.model.api.ReleaseCommandView;
import dev.cutover.model.api.ReleaseView;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", description = "Show an environment: URL, release serving, deployment, instances.")
final class StatusCommand extends ApiCommand {

    @Parameters(index = "0", paramLabel = "APP[/ENV]")
    String target;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json")
    OutputFormat output;

    @Override
    int run(ApiClient api) {
        EnvStatus s = api.get(ApiClient.envPath(env(target)), EnvStatus.class);
        if (output == OutputFormat.json) {
            printJson(s);
            return 0;
        }
        print(s, out());
        return 0;
    }

    static void print(EnvStatus s, PrintWriter out) {
        out.println(s.app() + "/" + s.env() + "   " + s.url());
        ReleaseView r = s.serving();
        out.println("serving:     " + (r == null ? "nothing yet" : "v" + r.number() + " (" + r.version() + ")"));
        DeploymentView d = s.deployment();
        if (d != null) {
            out.println("deployment:  " + d.id() + " " + d.kind() + " v" + d.release() + " (" + d.version() + "), "
                    + d.strategy() + ": " + d.phase() + (d.finished() ? "" : ", " + d.step()));
            ReleaseCommandView rc = d.releaseCommand();
            if (rc != null) {
                out.println("release:     " + rc.command() + ": " + rc.state()
                        + (rc.exitCode() == null ? "" : " (exit code " + rc.exitCode() + ")")
                        + "; output: cutover logs " + d.app() + "/" + d.env() + " --instance " + rc.run());
            }
            if (d.reason() != null) {
                out.println("             failed (" + d.reason() + "): "
                        + d.message().lines().findFirst().orElse(""));
            }
        }
        if (s.instances().isEmpty()) {
            out.println("instances:   none");
        } else {
            out.println("instances:");
            Table t = new Table("ID", "TYPE", "VERSION", "PHASE", "PORT", "PID", "RESTARTS", "ROUTING", "REASON");
            for (InstanceView i : s.instances()) {
                t.row(i.id(), i.type(), "v" + i.release() + " " + i.version(), i.phase(), i.port() == 0 ? null : i.port(),
                        i.pid() == 0 ? null : i.pid(), i.restarts(), i.routing(), i.reason());
            }
            t.print(out, "  ");
        }
        out.flush();
    }
}
