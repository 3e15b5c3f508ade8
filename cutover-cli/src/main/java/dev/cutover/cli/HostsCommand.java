package dev.cutover.cli;

import com.fasterxml.jackson.databind.JavaType;
import dev.cutover.model.api.HostView;
import dev.cutover.model.api.HostView.HostInstanceView;
import dev.cutover.model.json.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "hosts", description = "List the hosts whose agents run instances: whether each agent answers, "
        + "load, free memory and disk, instances. With a host's name, also each instance there and what its "
        + "processes use.")
final class HostsCommand extends ApiCommand {

    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    @Parameters(index = "0", arity = "0..1", paramLabel = "HOST")
    String name;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json")
    OutputFormat output;

    @Override
    int run(ApiClient api) {
        if (name != null) {
            if (!HOST_NAME.matcher(name).matches()) {
                throw new CliException("HOST: '" + name + "' (expected: a host's name as cutover hosts lists it, "
                        + "e.g. local)", CliException.USAGE);
            }
            HostView host = api.get("/api/hosts/" + name, HostView.class);
            if (output == OutputFormat.json) {
                printJson(host);
            } else {
                detail(host, out(), Instant.now());
            }
            return 0;
        }
        JavaType type = Json.mapper().getTypeFactory().constructCollectionType(List.class, HostView.class);
        List<HostView> hosts = api.get("/api/hosts", type);
        if (output == OutputFormat.json) {
            printJson(hosts);
            return 0;
        }
        Instant now = Instant.now();
        Table t = new Table("HOST", "ADDRESS", "STATE", "INSTANCES", "CPUS", "LOAD", "MEMORY FREE", "DISK FREE",
                "AGENT UP");
        for (HostView h : hosts) {
            t.row(h.name(), h.address(), state(h, now), h.instances().size(), h.cpus() < 0 ? null : h.cpus(),
                    load(h.load()), free(h.memoryAvailable(), h.memoryTotal()), free(h.diskFree(), h.diskTotal()),
                    h.agentStarted() == null ? null : duration(Duration.between(h.agentStarted(), now)));
        }
        t.print(out(), "");
        out().flush();
        return 0;
    }

    static void detail(HostView h, PrintWriter out, Instant now) {
        out.println(h.name() + "   " + h.address() + "   " + state(h, now)
                + (h.lastReport() == null ? "" : ", reported " + duration(Duration.between(h.lastReport(), now))
                + " ago"));
        if (h.error() != null) {
            out.println("error:      " + h.error());
        }
        if (!h.state().equals("up")) {
            out.println("            its instances keep running, but nothing changes on the host until its agent "
                    + "answers again; check that it runs and can be reached");
        }
        out.println("desired:    revision " + h.revisionHanded() + (h.revisionApplied() >= h.revisionHanded()
                ? ", applied" : ", applied up to " + h.revisionApplied()));
        if (h.system() != null) {
            out.println("system:     " + h.system() + ", " + h.cpus() + (h.cpus() == 1 ? " CPU" : " CPUs") + ", load "
                    + load(h.load()));
            out.println("memory:     " + free(h.memoryAvailable(), h.memoryTotal()) + " available");
            out.println("disk:       " + free(h.diskFree(), h.diskTotal()) + " free (builds, releases, logs)");
            out.println("agent:      up " + duration(Duration.between(h.agentStarted(), now)) + ", since "
                    + h.agentStarted());
        }
        if (h.instances().isEmpty()) {
            out.println("instances:  none");
            out.flush();
            return;
        }
        out.println("instances:");
        Table t = new Table("ID", "APP/ENV", "VERSION", "TYPE", "PHASE", "PORT", "PID", "MEMORY", "CPU", "PROCESSES",
                "UP");
        for (HostInstanceView i : h.instances()) {
            t.row(i.id(), i.app() + "/" + i.env(), "v" + i.release() + " " + i.version(), i.type(), i.phase(),
                    i.port() == 0 ? null : i.port(), i.pid() == 0 ? null : i.pid(),
                    i.memory() < 0 ? null : DeployCommand.human(i.memory()),
                    i.cpuSeconds() < 0 ? null : String.format(Locale.ROOT, "%.1fs", i.cpuSeconds()),
                    i.processes() == 0 ? null : i.processes(),
                    i.startedAt() == null ? null : duration(Duration.between(i.startedAt(), now)));
        }
        t.print(out, "  ");
        out.flush();
    }

    /** {@code up}, or {@code silent for 12s} when its agent has not answered lately. */
    static String state(HostView h, Instant now) {
        if (h.state().equals("up")) {
            return "up";
        }
        return h.lastReport() == null ? "silent, never reported"
                : "silent for " + duration(Duration.between(h.lastReport(), now));
    }

    /** {@code 0.52 0.40 0.31}; nothing when the host does not say. */
    static String load(List<Double> load) {
        if (load == null || load.isEmpty() || load.getFirst() < 0) {
            return null;
        }
        return load.stream().map(l -> String.format(Locale.ROOT, "%.2f", l)).collect(Collectors.joining(" "));
    }

    /** {@code 17.9 GiB of 23.4 GiB}; nothing when the host does not say. */
    static String free(long free, long total) {
        if (free < 0 || total < 0) {
            return null;
        }
        return DeployCommand.human(free) + " of " + DeployCommand.human(total);
    }

    /** {@code 12s}, {@code 5m 2s}, {@code 2h 3m}, {@code 3d 4h}. */
    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m " + s % 60 + "s";
        }
        if (s < 86400) {
            return s / 3600 + "h " + s % 3600 / 60 + "m";
        }
        return s / 86400 + "d " + s % 86400 / 3600 + "h";
    }
}
