package dev.cutover.cli;

import dev.cutover.model.api.DeploymentView;
import dev.cutover.model.api.EventView;
import java.io.PrintWriter;
import java.time.Duration;

/** Prints a deployment's events as they happen until it finishes; returns the exit code its outcome deserves. */
final class DeploymentWatch {

    private static final Duration POLL = Duration.ofMillis(250);

    private DeploymentWatch() {}

    static int follow(ApiClient api, DeploymentView started, String url, PrintWriter out) {
        int seen = 0;
        DeploymentView d = started;
        while (true) {
            for (EventView e : d.events()) {
                double at = Duration.between(started.createdAt(), e.at()).toMillis() / 1000.0;
                out.printf("  %7.1fs  %s%n", at, e.message());
                seen = Math.max(seen, e.seq());
            }
            out.flush();
            if (d.finished()) {
                return outcome(d, url, out);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted; the deployment goes on: cutover status " + d.app() + "/" + d.env(),
                        CliException.API);
            }
            d = api.get("/api/deployments/" + d.id() + "?after=" + seen, DeploymentView.class);
        }
    }

    static int outcome(DeploymentView d, String url, PrintWriter out) {
        switch (d.phase()) {
            case "succeeded" -> {
                out.println("v" + d.release() + " (" + d.version() + ") is serving " + d.app() + "/" + d.env()
                        + (url == null ? "" : " at " + url));
                out.flush();
                return 0;
            }
            case "rolled-back" -> out.println("deployment " + d.id() + " FAILED and was rolled back to v"
                    + d.previousRelease() + ": " + d.reason());
            default -> out.println("deployment " + d.id() + " FAILED (" + d.reason() + ")");
        }
        if (d.message() != null) {
            out.println(d.message().lines().map(l -> "  " + l).reduce((a, b) -> a + "\n" + b).orElse(""));
        }
        out.flush();
        return CliException.DEPLOYMENT_FAILED;
    }
}
