package dev.cutover.server.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code cutover server} in its own JVM, as an operator runs it, so that a test can start it with inherited signal
 * dispositions, kill it with SIGKILL and start it again on the same data directory and ports.
 */
final class ServerProcess implements AutoCloseable {

    final Path dir;
    final int httpPort;
    final int apiPort;
    private final List<String> prefix;
    private Process process;

    private ServerProcess(Path dir, List<String> prefix) throws IOException {
        this(dir, prefix, freePort(), freePort());
    }

    private ServerProcess(Path dir, List<String> prefix, int httpPort, int apiPort) {
        this.dir = dir;
        this.prefix = prefix;
        this.httpPort = httpPort;
        this.apiPort = apiPort;
    }

    /**
     * Starts a second server on this one's data directory and ports while this one runs, as an operator does to
     * upgrade: it takes over. Returns it once this one has exited (with the exit code checked) and it answers.
     */
    ServerProcess takeOver() throws Exception {
        ServerProcess next = new ServerProcess(dir, prefix, httpPort, apiPort);
        List<String> cmd = next.command();
        next.process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile())).start();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("the old server did not exit within 60s: "
                    + Files.readString(dir.resolve("server.log")));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("the old server exited with " + process.exitValue() + ": "
                    + Files.readString(dir.resolve("server.log")));
        }
        next.awaitAnswer();
        return next;
    }

    /**
     * Runs a second server on this one's data directory with another HTTP port, which must refuse to take over;
     * returns its exit code and output.
     */
    RunningServer.Cli takeOverOnAnotherPort(int otherHttpPort) throws Exception {
        return takeOverOn(otherHttpPort, freePort());
    }

    /** A server started on this one's data directory with these ports, which it should refuse to take over on. */
    RunningServer.Cli takeOverOn(int httpPort, int apiPort) throws Exception {
        List<String> cmd = new ServerProcess(dir, prefix, httpPort, apiPort).command();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the refused server did not exit: " + out);
        }
        return new RunningServer.Cli(p.exitValue(), out, out);
    }

    /** Whether this server's process still runs. */
    boolean alive() {
        return process != null && process.isAlive();
    }

    /** @param prefix what the server is started under, e.g. {@code env --ignore-signal=INT} */
    static ServerProcess start(Path dir, String... prefix) throws Exception {
        ServerProcess s = new ServerProcess(dir, List.of(prefix));
        s.start();
        return s;
    }

    void start() throws Exception {
        process = new ProcessBuilder(command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile())).start();
        awaitAnswer();
    }

    private List<String> command() {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "-DCUTOVER_HOME=" + dir.resolve("home"), "dev.cutover.server.Main", "server",
                "--data", dir.resolve("data").toString(), "--http-port", String.valueOf(httpPort),
                "--api-port", String.valueOf(apiPort)));
        return cmd;
    }

    private void awaitAnswer() throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited: " + Files.readString(dir.resolve("server.log")));
            }
            if (Files.exists(dir.resolve("data/admin.token")) && RunningServer.cliWithoutCredentials(
                    "apps", "--api", apiUrl(), "--token", token()).exit() == 0) {
                return;
            }
            Thread.sleep(200);
        }
        // where it is stuck: the JVM prints its threads to its output on SIGQUIT
        new ProcessBuilder("kill", "-QUIT", String.valueOf(process.pid())).start().waitFor();
        Thread.sleep(1000);
        List<String> log = Files.readAllLines(dir.resolve("server.log"));
        throw new IllegalStateException("the server did not answer within 60s; the end of its output, with a thread "
                + "dump:\n" + String.join("\n", log.subList(Math.max(0, log.size() - 400), log.size())));
    }

    String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    String token() throws IOException {
        return Files.readString(dir.resolve("data/admin.token")).strip();
    }

    RunningServer.Cli cli(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--api", apiUrl(), "--token", token()));
        return RunningServer.cliWithoutCredentials(all.toArray(String[]::new));
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Pids of the app processes running from this server's data directory (their working directory is there). */
    List<Long> appProcesses() throws IOException {
        Path data = dir.resolve("data").toAbsolutePath();
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (Files.readSymbolicLink(p.resolve("cwd")).startsWith(data)) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException | SecurityException gone) {
                    // exited meanwhile, or not ours to look at
                }
            }
        }
        return pids;
    }

    /** The app processes by the instance whose directory they run in ({@code DATA/agent/instances/ID}). */
    Map<String, List<Long>> appProcessesByInstance() throws IOException {
        Path instances = dir.resolve("data/agent/instances").toAbsolutePath();
        Map<String, List<Long>> byInstance = new TreeMap<>();
        for (long pid : appProcesses()) {
            try {
                Path cwd = Files.readSymbolicLink(Path.of("/proc", String.valueOf(pid), "cwd"));
                if (cwd.startsWith(instances) && !cwd.equals(instances)) {
                    String id = instances.relativize(cwd).getName(0).toString();
                    byInstance.computeIfAbsent(id, k -> new ArrayList<>()).add(pid);
                }
            } catch (IOException | SecurityException gone) {
                // exited meanwhile
            }
        }
        return byInstance;
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
        // Apps outlive the server by design; a test ends its own.
        for (long pid : appProcesses()) {
            new ProcessBuilder("kill", "-KILL", String.valueOf(pid)).start().waitFor();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
