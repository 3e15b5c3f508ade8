package dev.cutover.cli;

import dev.cutover.model.api.DeploymentView;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.InstanceView;
import dev.cutover.model.api.ReleaseCommandView;
import dev.cutover.model.api.ReleaseView;
import dev.cutover.model.api.StoppedInstanceView;
import dev.cutover.model.api.TrafficShare;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.StringJoiner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", description = "Show an environment: URL, release serving, deployment, traffic, "
        + "instances, and those stopped in the last 2 minutes with how each ended.")
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
        print(s, out(), Instant.now());
        return 0;
    }

    static void print(EnvStatus s, PrintWriter out, Instant now) {
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
            if (d.kind().equals("remove") && (!d.finished() || d.phase().equals("succeeded"))) {
                out.println("removal:     " + (d.finished() ? "its instances are stopping; it is deleted once they "
                        + "have ended" : "its instances drain and stop, then it is deleted (cutover abort "
                        + s.app() + "/" + s.env() + " keeps it)"));
            }
        }
        int candidate = candidate(d);
        out.println("traffic:     " + traffic(s.traffic(), candidate, d != null && "promote".equals(d.awaiting())));
        if (s.preview() != null) {
            out.println("preview:     " + s.preview() + " (v" + s.previewRelease() + " alone)");
        }
        if (s.instances().isEmpty()) {
            out.println("instances:   none");
        } else {
            out.println("instances:");
            Table t = new Table("ID", "TYPE", "VERSION", "PHASE", "PORT", "PID", "RESTARTS", "ROUTING", "REASON");
            for (InstanceView i : s.instances()) {
                t.row(i.id(), i.type(), "v" + i.release() + " " + i.version(), i.phase(), i.port() == 0 ? null : i.port(),
                        i.pid() == 0 ? null : i.pid(), i.restarts(), routing(i, s.traffic(), candidate), i.reason());
            }
            t.print(out, "  ");
        }
        if (s.stopped() != null && !s.stopped().isEmpty()) {
            out.println("stopped:     in the last 2 minutes");
            Table t = new Table("ID", "TYPE", "VERSION", "STOPPED", "HOW IT ENDED");
            for (StoppedInstanceView i : s.stopped()) {
                t.row(i.id(), i.type(), "v" + i.release() + " " + i.version(), ago(i.stoppedAt(), now), i.ended());
            }
            t.print(out, "  ");
        }
        out.flush();
    }

    /** {@code 12s ago}; {@code 3m ago} from two minutes on. */
    static String ago(Instant then, Instant now) {
        long seconds = Math.max(0, Duration.between(then, now).toSeconds());
        return (seconds < 120 ? seconds + "s" : seconds / 60 + "m") + " ago";
    }

    /** The release a deployment in progress rolls out, which is not yet the one serving; 0 when there is none. */
    static int candidate(DeploymentView d) {
        return d == null || d.finished() || !d.kind().equals("deploy") ? 0 : d.release();
    }

    /**
     * Each routed release's share of new requests, e.g. {@code v4 10% (1 instance), v3 90% (2 instances)}. A release
     * at 0% is on standby (kept warm for a rollback) unless it is {@code candidate}, the one a deployment in progress
     * rolls out, which waits for its traffic ({@code promote}: for {@code cutover promote}).
     */
    static String traffic(List<TrafficShare> traffic, int candidate, boolean promote) {
        if (traffic == null || traffic.isEmpty()) {
            return "none: the router has no instance of it";
        }
        StringJoiner line = new StringJoiner(", ");
        for (TrafficShare t : traffic) {
            String instances = t.targets() + (t.targets() == 1 ? " instance" : " instances");
            String idle = t.release() != candidate ? " on standby"
                    : promote ? ", candidate waiting for cutover promote" : ", candidate, no traffic yet";
            line.add(t.label() + " (" + (t.targets() == 0 ? "draining" : t.percent() == 0 ? instances + idle : instances)
                    + ")");
        }
        return line.toString();
    }

    /** The split alone, e.g. {@code v4 10%, v3 90%}; {@code none} when nothing is routed. */
    static String split(List<TrafficShare> traffic) {
        if (traffic == null || traffic.isEmpty()) {
            return "none";
        }
        StringJoiner line = new StringJoiner(", ");
        traffic.forEach(t -> line.add(t.label()));
        return line.toString();
    }


    /**
     * An active instance of a release that gets no traffic shows as {@code candidate} when it is the release being
     * rolled out (waiting for its traffic), else as {@code standby} (kept warm for a rollback).
     */
    private static String routing(InstanceView i, List<TrafficShare> traffic, int candidate) {
        boolean idle = i.routing().equals("active") && traffic != null && traffic.stream()
                .anyMatch(t -> t.release() == i.release() && t.percent() == 0);
        return !idle ? i.routing() : i.release() == candidate ? "candidate" : "standby";
    }
}
