package dev.cutover.server.demo;

import dev.cutover.server.Controller;
import dev.cutover.server.Main;
import dev.cutover.server.ServerConfig;
import dev.cutover.testkit.load.LoadClient;
import dev.cutover.testkit.load.LoadResult;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cutover demo}: Cutover's main job in one command. Starts an embedded server, deploys the example app as v1,
 * then deploys v2 under steady load (keep-alive clients and clients that open a connection per request) and prints
 * what happened: the steps, the requests sent and failed, and which version served before and after.
 */
@Command(name = "demo", description = "Start a server, deploy examples/hello v1, then v2 under load, and show "
        + "that no request failed.")
public final class DemoCommand implements Callable<Integer> {

    private static final String APP = "hello";

    @Option(names = "--app", paramLabel = "DIR", description = "The app to deploy (default: examples/hello)")
    Path app;

    @Option(names = "--http-port", defaultValue = "8080", description = "Router port; a free one when taken")
    int httpPort;

    @Option(names = "--api-port", defaultValue = "7070", description = "API port; a free one when taken")
    int apiPort;

    @Option(names = "--exit", description = "Stop after the report instead of serving until Ctrl-C")
    boolean exit;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        Path dir = app != null ? app : findExample();
        if (dir == null || !Files.isDirectory(dir)) {
            System.err.println("error: cannot find examples/hello; run from the repository or pass --app DIR");
            return 2;
        }
        Path data = Files.createTempDirectory("cutover-demo-");
        ServerConfig config = ServerConfig.defaults(data)
                .withPorts(free(httpPort) ? httpPort : 0, free(apiPort) ? apiPort : 0);
        long t0 = System.nanoTime();
        Controller server = Controller.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(server, data), "cutover-demo-shutdown"));
        String host = APP + "-production.localhost";
        String url = "http://" + host + ":" + server.httpPort() + "/";
        out.printf("Cutover demo%n  server up in %.1fs: API %s, router on :%d, data in %s%n%n",
                seconds(t0), server.apiUrl(), server.httpPort(), data);

        out.println("1. deploy " + dir + " as v1");
        if (cli(server, "deploy", dir.toString(), "--to", APP, "--version", "v1", "--wait") != 0) {
            out.println("the first deploy failed; see above");
            return 1;
        }
        String before = versionAt(server.httpPort(), host);

        out.println();
        out.println("2. steady load on " + url + ": 4 keep-alive clients and 2 clients opening a new connection "
                + "per request");
        LoadClient keepAlive = load(server.httpPort(), host, LoadClient.Mode.KEEP_ALIVE, 4).start();
        LoadClient perRequest = load(server.httpPort(), host, LoadClient.Mode.NEW_CONNECTION, 2).start();
        Thread.sleep(2000);
        out.println();
        out.println("3. deploy v2 while the load runs");
        int deployed = cli(server, "deploy", dir.toString(), "--to", APP, "--version", "v2", "--wait");
        Thread.sleep(2000);
        keepAlive.stop();
        perRequest.stop();
        LoadResult a = keepAlive.await();
        LoadResult b = perRequest.await();
        String after = versionAt(server.httpPort(), host);

        long sent = a.sent() + b.sent();
        long failed = a.failed() + b.failed();
        Map<String, Long> byVersion = new TreeMap<>(a.headerCounts());
        b.headerCounts().forEach((k, v) -> byVersion.merge(k, v, Long::sum));
        out.println();
        out.println("4. what happened");
        out.printf("  requests sent:        %d (%d keep-alive, %d on new connections) in %.1fs%n", sent, a.sent(),
                b.sent(), a.elapsed().toMillis() / 1000.0);
        out.printf("  requests failed:      %d%n", failed);
        out.println("  responses by version: " + byVersion);
        out.println("  serving before:       " + before);
        out.println("  serving after:        " + after);
        Stream.concat(a.firstFailures().stream(), b.firstFailures().stream()).limit(5)
                .forEach(f -> out.println("  failure: " + f));
        out.println();
        int code = deployed == 0 && failed == 0 && after.equals("v2") ? 0 : 1;
        if (exit) {
            out.println("--exit: stopping the server and its instances (without --exit the demo keeps serving "
                    + "hello, to try the commands on it)");
            return code;
        }
        out.println("hello is served at " + url);
        out.println("Try next (in another terminal):");
        out.println("  curl " + url);
        String flags = server.apiUrl().equals("http://127.0.0.1:7070") ? "" : " --api " + server.apiUrl();
        out.println("  bin/cutover status hello" + flags);
        out.println("  bin/cutover releases hello" + flags);
        out.println("  bin/cutover logs hello -f" + flags);
        out.println("  bin/cutover config set hello GREETING=Hi --wait" + flags);
        out.println("  bin/cutover rollback hello --wait" + flags);
        out.println("Serving until Ctrl-C.");
        new CountDownLatch(1).await();
        return code;
    }

    private int cli(Controller server, String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--api";
        all[args.length + 1] = server.apiUrl();
        all[args.length + 2] = "--token";
        all[args.length + 3] = server.token();
        CommandLine cl = Main.commandLine();
        return cl.execute(all);
    }

    private static LoadClient load(int port, String host, LoadClient.Mode mode, int workers) {
        return LoadClient.to("127.0.0.1", port).hostHeader(host).path("/").mode(mode).workers(workers)
                .countHeader("X-App-Version").deadline(Duration.ofMinutes(10)).build();
    }

    /** The version one request gets, read with the same raw client as the load (the JDK client forbids Host). */
    private static String versionAt(int port, String host) throws InterruptedException {
        LoadResult r = LoadClient.to("127.0.0.1", port).hostHeader(host).path("/").workers(1).maxRequests(1)
                .countHeader("X-App-Version").deadline(Duration.ofSeconds(10)).run();
        return r.succeeded() == 1 ? r.lastHeaderValues().get(0) : "? (" + r.summary() + ")";
    }

    private static void shutdown(Controller server, Path data) {
        System.out.println("stopping the demo's app instances...");
        server.stopAllApps(Duration.ofSeconds(40));
        server.close();
        try (Stream<Path> walk = Files.walk(data)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // the temp directory is left for the OS to clean
        }
    }

    private static Path findExample() {
        String home = System.getProperty("cutover.repo");
        for (Path base : new Path[] {home == null ? null : Path.of(home), Path.of("").toAbsolutePath()}) {
            if (base != null && Files.isDirectory(base.resolve("examples/hello"))) {
                return base.resolve("examples/hello");
            }
        }
        return null;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("0.0.0.0", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
