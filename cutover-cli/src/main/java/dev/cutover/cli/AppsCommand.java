package dev.cutover.cli;

import com.fasterxml.jackson.databind.JavaType;
import dev.cutover.model.api.AppView;
import dev.cutover.model.api.DeploymentView;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.ReleaseView;
import dev.cutover.model.api.RemovalView;
import dev.cutover.model.name.EnvRef;
import dev.cutover.model.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "apps", description = "List apps and their environments.", subcommands = AppsCommand.Delete.class)
final class AppsCommand extends ApiCommand {

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json")
    OutputFormat output;

    @Override
    int run(ApiClient api) {
        JavaType type = Json.mapper().getTypeFactory().constructCollectionType(List.class, AppView.class);
        List<AppView> apps = api.get("/api/apps", type);
        if (output == OutputFormat.json) {
            printJson(apps);
            return 0;
        }
        if (apps.isEmpty()) {
            out().println("no apps yet (cutover deploy DIR --to APP[/ENV] makes one)");
            out().flush();
            return 0;
        }
        Table t = new Table("ENVIRONMENT", "SERVING", "TRAFFIC", "INSTANCES", "URL");
        for (AppView a : apps) {
            for (EnvStatus e : a.environments()) {
                t.row(e.app() + "/" + e.env(), e.serving() == null ? "nothing" : "v" + e.serving().number() + " ("
                        + e.serving().version() + ")", StatusCommand.split(e.traffic()), e.instances().size(), e.url());
            }
        }
        t.print(out(), "");
        return 0;
    }

    /**
     * {@code cutover apps delete APP[/ENV] --yes}: drains and stops every instance of an environment, then deletes it
     * with its releases, config and history.
     */
    @Command(name = "delete", description = "Remove an environment: its route goes, its instances drain and stop, "
            + "and its releases, config and deployment history are deleted. The app goes with its last environment. "
            + "Asks for --yes.")
    static final class Delete extends ApiCommand {

        /** How long --wait waits for the last instances to end once the removal has stopped them. */
        private static final Duration ENDING = Duration.ofMinutes(10);

        @Parameters(index = "0", paramLabel = "APP[/ENV]")
        String target;

        @Option(names = "--yes", description = "Go ahead: nothing of the environment can be brought back")
        boolean yes;

        @Option(names = "--wait", description = "Wait until the environment is gone (exit 1 if the removal failed and "
                + "its instances were started again)")
        boolean waitForIt;

        @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json")
        OutputFormat output;

        @Override
        int run(ApiClient api) {
            EnvRef ref = env(target);
            String path = ApiClient.envPath(ref);
            if (!yes) {
                EnvStatus status = api.find(path, EnvStatus.class).orElseThrow(() -> new CliException(
                        "no environment " + ref + " (cutover apps lists them)", CliException.USAGE));
                int releases = api.get(path + "/releases", ReleaseView[].class).length;
                throw new CliException("cutover apps delete " + ref + " stops " + running(status) + " and deletes "
                        + releases + (releases == 1 ? " release" : " releases") + ", the config and the deployment "
                        + "history of " + ref + " for good; add --yes to go ahead", CliException.USAGE);
            }
            RemovalView r = api.delete(path, RemovalView.class);
            if (r.removed()) {
                return done(r, r.deployment());
            }
            DeploymentView d = r.deployment();
            if (output == OutputFormat.text) {
                out().println("removing " + ref + ": " + (r.stopping().isEmpty() ? "its instances are stopping"
                        : stopping(r.stopping())) + "; then it is deleted");
                out().println("deployment " + d.id() + ": " + d.kind() + " v" + d.release() + " (" + d.version() + ") of "
                        + ref);
                out().flush();
            }
            if (!waitForIt) {
                if (output == OutputFormat.json) {
                    printJson(r);
                } else {
                    out().println("follow it with: cutover status " + ref);
                    out().flush();
                }
                return 0;
            }
            ApiClient patient = patient(api);
            String deployment = "/api/deployments/" + d.id();
            DeploymentView end;
            try {
                end = output == OutputFormat.json ? DeployCommand.waitQuietly(patient, d, true)
                        : DeploymentWatch.events(api, d, out(), 0, true);
            } catch (CliException e) {
                if (patient.find(deployment, DeploymentView.class).isEmpty()) {
                    return done(r, d); // deleted, with the environment, between two looks at it
                }
                throw e;
            }
            if (!end.phase().equals("succeeded")) {
                if (output == OutputFormat.json) {
                    printJson(new RemovalView(r.app(), r.env(), false, r.stopping(), end));
                    return CliException.DEPLOYMENT_FAILED;
                }
                return DeploymentWatch.outcome(end, null, out());
            }
            // the removal's deployment goes with the environment, and only with it: a new environment of the same
            // name has deployments of its own
            long deadline = System.nanoTime() + ENDING.toNanos();
            while (patient.find(deployment, DeploymentView.class).isPresent()) {
                if (System.nanoTime() > deadline) {
                    throw new CliException(ref + " has stopped serving, and waits for its instances to end before it "
                            + "is deleted (cutover status " + ref + " shows them); it goes by itself once they have",
                            CliException.API);
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CliException("interrupted; the removal goes on: cutover status " + ref, CliException.API);
                }
            }
            return done(r, end);
        }

        private int done(RemovalView r, DeploymentView d) {
            if (output == OutputFormat.json) {
                printJson(new RemovalView(r.app(), r.env(), true, r.stopping(), d));
            } else {
                out().println(r.app() + "/" + r.env() + " is removed");
                out().flush();
            }
            return 0;
        }

        /** {@code web 2, worker 1}, or {@code no instance}. */
        private static String running(EnvStatus status) {
            Map<String, Integer> byType = new TreeMap<>();
            status.instances().forEach(i -> byType.merge(i.type(), 1, Integer::sum));
            return byType.isEmpty() ? "no instance (it runs none)" : "its instances (" + listed(byType) + ")";
        }

        private static String listed(Map<String, Integer> byType) {
            List<String> parts = new ArrayList<>();
            byType.forEach((type, n) -> parts.add(type + " " + n));
            return String.join(", ", parts);
        }

        /** {@code web 2 drain and stop, worker 1 stops}: only web instances take traffic to drain. */
        private static String stopping(Map<String, Integer> byType) {
            List<String> parts = new ArrayList<>();
            byType.forEach((type, n) -> parts.add(type + " " + n + (type.equals("web") ? " drain and stop"
                    : n == 1 ? " stops" : " stop")));
            return String.join(", ", parts);
        }
    }
}
