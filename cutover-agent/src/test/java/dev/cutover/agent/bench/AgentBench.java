package dev.cutover.agent.bench;

import dev.cutover.agent.Agent;
import dev.cutover.agent.AgentConfig;
import dev.cutover.agent.testing.FakeBuilds;
import dev.cutover.agent.testing.TestArchives;
import dev.cutover.model.agent.DesiredState;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.InstanceReport;
import dev.cutover.model.agent.InstanceSpec;
import dev.cutover.model.manifest.HealthSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The agent's own cost with many supervised instances, and how long a desired-state change takes to become a
 * healthy instance, split into the agent's part and the app's. Run by {@code bench/agent.sh}; prints figures only.
 *
 * <p>The agent runs in this JVM, as it does embedded in {@code cutover server}; its figures are this JVM's, read
 * from /proc/self (the harness around it is a loop that sleeps).
 */
public final class AgentBench {

    static final String APP = """
            import os, socket
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", int(os.environ["PORT"])))
            s.listen(64)
            print("listening on", os.environ["PORT"], flush=True)
            while True:
                c, _ = s.accept()
                c.close()
            """;
    static final String COMMAND = "exec python3 app.py";

    public static void main(String[] args) throws Exception {
        int instances = Integer.parseInt(env("INSTANCES", "200"));
        int seconds = Integer.parseInt(env("SECONDS", "60"));
        int rounds = Integer.parseInt(env("ROUNDS", "10"));
        Path data = Files.createTempDirectory("cutover-agent-bench");
        FakeBuilds builds = new FakeBuilds();
        String build = builds.add(TestArchives.tarGz(w -> w.file("app.py", APP, 0644)));
        Agent agent = Agent.start(AgentConfig.of(data, "bench", "127.0.0.1"), builds);
        long revision = 0;
        try {
            Thread.sleep(2000);
            System.gc();
            Thread.sleep(500);
            print("agent idle, no instances: RSS %d MiB, %d threads", rssKiB() / 1024, threads());

            List<InstanceSpec> fleet = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                fleet.add(spec("web-" + i, build, HealthSpec.TCP_DEFAULT));
            }
            long t = System.nanoTime();
            agent.apply(new DesiredState(++revision, fleet));
            await(agent, r -> r.size() == instances && r.stream().allMatch(i -> i.phase() == InstancePhase.HEALTHY),
                    Duration.ofMinutes(5));
            print("%d instances (python3 TCP acceptor, TCP probe every 1s, healthy after 2 passes) all healthy %.1f s"
                    + " after the desired state", instances, (System.nanoTime() - t) / 1e9);

            Thread.sleep(10_000); // settle: JIT, first log marks
            long cpu0 = cpuTicks();
            long wall0 = System.nanoTime();
            long maxRss = 0;
            for (int s = 0; s < seconds; s++) {
                Thread.sleep(1000);
                maxRss = Math.max(maxRss, rssKiB());
            }
            double wall = (System.nanoTime() - wall0) / 1e9;
            double cpu = (cpuTicks() - cpu0) / 100.0; // USER_HZ is 100 on Linux
            print("steady state over %.0f s with %d instances: agent CPU %.2f%% of one core (%.2f s CPU), RSS max %d MiB,"
                    + " %d threads", wall, instances, 100 * cpu / wall, cpu, maxRss / 1024, threads());

            // Time to healthy: one more instance, with a probe every 100ms that passes once.
            HealthSpec fast = new HealthSpec(null, Duration.ofMillis(100), Duration.ofSeconds(1), 1, 1);
            long[] toLaunched = new long[rounds];
            long[] toHealthy = new long[rounds];
            long[] appStart = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                appStart[r] = appStartMicros(data, build, agent);
                List<InstanceSpec> more = new ArrayList<>(fleet);
                String id = "extra-" + r;
                more.add(spec(id, build, fast));
                long wallStart = System.currentTimeMillis();
                long start = System.nanoTime();
                agent.apply(new DesiredState(++revision, more));
                InstanceReport healthy = awaitOne(agent, id, i -> i.phase() == InstancePhase.HEALTHY);
                toHealthy[r] = (System.nanoTime() - start) / 1000;
                toLaunched[r] = (healthy.startedAt().toEpochMilli() - wallStart) * 1000;
                agent.apply(new DesiredState(++revision, fleet));
                awaitOne(agent, id, i -> i.phase() == InstancePhase.STOPPED);
            }
            long launched = median(toLaunched);
            long total = median(toHealthy);
            long app = median(appStart);
            print("desired state -> new instance healthy, median of %d with %d instances running: %.0f ms", rounds,
                    instances, total / 1000.0);
            print("  agent: desired state -> process started (reconcile, working dir, fork/exec, setsid): %.0f ms",
                    launched / 1000.0);
            print("  app: process start -> port accepts (python3 startup, measured alone): %.0f ms", app / 1000.0);
            print("  agent: probe detection and report (100ms interval, 1 pass; the rest): %.0f ms",
                    Math.max(0, total - launched - app) / 1000.0);
            print("  raw (ms): healthy %s; started %s; app %s", ms(toHealthy), ms(toLaunched), ms(appStart));
        } finally {
            agent.apply(new DesiredState(++revision, List.of()));
            await(agent, r -> r.stream().allMatch(i -> i.phase() == InstancePhase.STOPPED
                    || i.phase() == InstancePhase.FAILED), Duration.ofMinutes(3));
            agent.close();
            try (var walk = Files.walk(data)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static InstanceSpec spec(String id, String build, HealthSpec health) {
        return new InstanceSpec(id, "bench", "production", 1, "v1", "web", COMMAND, build, Map.of(), health,
                List.of("TERM", "KILL"), Duration.ofSeconds(5));
    }

    /** How long the app takes from its start to accepting a connection, started by hand in a working directory. */
    static long appStartMicros(Path data, String build, Agent agent) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = data.resolve("releases").resolve(build);
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", COMMAND).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
        pb.environment().put("PORT", Integer.toString(port));
        long start = System.nanoTime();
        Process p = pb.start();
        try {
            while (true) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    return (System.nanoTime() - start) / 1000;
                } catch (IOException e) {
                    Thread.sleep(1);
                }
            }
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    static void await(Agent agent, Predicate<List<InstanceReport>> done, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!done.test(agent.report().instances())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out; " + agent.report().instances().stream()
                        .filter(i -> i.phase() != InstancePhase.HEALTHY).limit(3).toList());
            }
            Thread.sleep(20);
        }
    }

    static InstanceReport awaitOne(Agent agent, String id, Predicate<InstanceReport> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<InstanceReport> r = agent.report().instances().stream().filter(i -> i.id().equals(id)).findFirst();
            if (r.isPresent() && done.test(r.get())) {
                return r.get();
            }
            Thread.sleep(1);
        }
        throw new IllegalStateException("instance " + id + " did not get there");
    }

    static long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    }

    static long rssKiB() throws IOException {
        return field("VmRSS:");
    }

    static long threads() throws IOException {
        return field("Threads:");
    }

    static long field(String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    static long median(long[] a) {
        long[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    static String ms(long[] micros) {
        StringBuilder sb = new StringBuilder();
        for (long m : micros) {
            sb.append(sb.isEmpty() ? "" : " ").append(micros.length == 0 ? "" : String.format(Locale.ROOT, "%.0f", m / 1000.0));
        }
        return sb.toString();
    }

    static void print(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
