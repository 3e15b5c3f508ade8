package dev.cutover.cli;

import dev.cutover.model.api.DeploymentView;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.EventView;
import dev.cutover.model.api.ReleaseCommandView;
import dev.cutover.model.name.EnvRef;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints a deployment's events as they happen until it finishes, with its release command's output under the event
 * that started it; returns the exit code its outcome deserves. The deployment runs in the server, not here: if the
 * server goes away meanwhile (a crash, a restart, a new server taking over), the watch says so, waits up to
 * {@link ApiClient#PATIENCE} for it to come back, and goes on from the events it had seen.
 */
final class DeploymentWatch {

    private static final Duration POLL = Duration.ofMillis(250);

    private DeploymentWatch() {}

    static int follow(ApiClient api, DeploymentView started, String url, PrintWriter out) {
        DeploymentView end = events(api, started, out);
        if (!end.finished()) {
            out.println("v" + end.release() + " (" + end.version() + ") is serving " + end.app() + "/" + end.env()
                    + (url == null ? "" : " at " + url) + "; v" + end.previousRelease() + " stays warm: cutover "
                    + "rollback switches back at once, cutover promote stops it now");
            out.flush();
            return 0;
        }
        if (end.phase().equals("succeeded") && !routed(api, end)) {
            String ref = end.app() + "/" + end.env();
            out.println("v" + end.release() + " (" + end.version() + ") is " + ref + "'s release, with no web "
                    + "instance: " + (url == null ? ref : url) + " answers 503 until it is scaled up (cutover scale "
                    + ref + " web=N)");
            out.flush();
            return 0;
        }
        return outcome(end, url, out);
    }

    /**
     * Whether the new release serves and has been watched, and the deployment stays open only to keep the old set warm
     * for a rollback (blue-green's keep-old): where a {@code --wait} returns 0.
     */
    static boolean keepingOld(DeploymentView d) {
        return !d.finished() && "keep-old".equals(d.awaiting());
    }

    /** Whether the router sends the environment's requests anywhere (scaled to web=0, it answers 503). */
    private static boolean routed(ApiClient api, DeploymentView end) {
        try {
            EnvStatus status = api.get(ApiClient.envPath(new EnvRef(end.app(), end.env())), EnvStatus.class);
            return status.traffic().stream().anyMatch(share -> share.targets() > 0);
        } catch (CliException e) {
            return true; // the deployment's own outcome is all there is to say
        }
    }

    /**
     * Prints the events until the deployment finishes, or until its new release serves while the old set is kept
     * warm; returns it as it was then. A wait for promotion is said once.
     */
    static DeploymentView events(ApiClient api, DeploymentView started, PrintWriter out) {
        return events(api, started, out, 0, false);
    }

    /**
     * Prints the events after the {@code after}-th until the deployment finishes, or, unless {@code toTheEnd}, until
     * its new release serves while the old set is kept warm; returns it as it was then. Following on from an earlier
     * event ({@code after} above 0: a deployment turned around by a rollback), the release command's output is not
     * printed: it belongs to what came before.
     */
    static DeploymentView events(ApiClient api, DeploymentView started, PrintWriter out, int after, boolean toTheEnd) {
        int seen = after;
        boolean toldPromote = false;
        api = api.patient(ApiClient.PATIENCE, notice -> {
            out.println("  (" + notice + ")");
            out.flush();
        });
        ReleaseOutput output = new ReleaseOutput(api, out);
        DeploymentView d = started;
        while (true) {
            ReleaseCommandView release = after > 0 ? null : d.releaseCommand();
            List<EventView> later = new ArrayList<>();
            for (EventView e : d.events()) {
                if (e.seq() <= seen) {
                    continue; // said before
                }
                seen = e.seq();
                // the command's output goes right under the event that started it, before what came after it
                if (release != null && !output.done() && e.at().isAfter(release.startedAt())) {
                    later.add(e);
                } else {
                    print(started, e, out);
                }
            }
            if (release != null) {
                output.follow(release);
            }
            later.forEach(e -> print(started, e, out));
            out.flush();
            if (d.finished() || !toTheEnd && keepingOld(d)) {
                return d;
            }
            if ("promote".equals(d.awaiting()) && !toldPromote) {
                out.println("  waiting for: cutover promote " + d.app() + "/" + d.env() + " (or cutover abort)");
                out.flush();
                toldPromote = true;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted; the deployment goes on: cutover status " + d.app() + "/" + d.env(),
                        CliException.API);
            }
            d = poll(api, d, seen);
        }
    }

    /** The deployment, with its events after {@code seen}; when the server stays away, says what still holds. */
    static DeploymentView poll(ApiClient api, DeploymentView d, int seen) {
        try {
            return api.get("/api/deployments/" + d.id() + "?after=" + seen, DeploymentView.class);
        } catch (CliException e) {
            if (!e.serverAway()) {
                throw e;
            }
            throw new CliException(e.getMessage() + "\nthe deployment goes on in the server once it is back: cutover status "
                    + d.app() + "/" + d.env(), e.exitCode());
        }
    }

    private static void print(DeploymentView started, EventView e, PrintWriter out) {
        double at = Duration.between(started.createdAt(), e.at()).toMillis() / 1000.0;
        out.printf("  %7.1fs  %s%n", at, e.message());
    }

    /** After a failure: where its whole story is, when the account above shows only the last lines of it. */
    static String nextStep(DeploymentView d) {
        if (d.failedInstance() == null || "aborted".equals(d.reason())) {
            return null;
        }
        return "the whole log: cutover logs " + d.app() + "/" + d.env() + " --instance " + d.failedInstance();
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
        String next = nextStep(d);
        if (next != null) {
            out.println(next);
        }
        out.flush();
        return CliException.DEPLOYMENT_FAILED;
    }
}
