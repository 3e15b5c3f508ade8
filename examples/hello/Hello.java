// Cutover example app: a tiny HTTP server in one file, no build step.
//
//   PORT=5000 CUTOVER_VERSION=v2 java Hello.java
//
// Runs on Java 17 or newer with the JDK source launcher; uses only the JDK
// (com.sun.net.httpserver). See README.md for the environment variables.

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

public class Hello {

    static final String NAME = "hello";

    final String version = env("CUTOVER_VERSION", "dev");
    final String instance = env("CUTOVER_INSTANCE", "local");
    final String greeting = env("GREETING", "Hello");
    final boolean healthFail = flag("HEALTH_FAIL");
    /** The time in ms since the epoch from which /health fails (HEALTH_FAIL_AFTER after listening); 0 for never. */
    volatile long healthFailAt;
    final boolean logRequests = flag("LOG_REQUESTS");
    final boolean drain = !"0".equals(env("DRAIN", "1").trim());
    final double errorRate = parseDouble("ERROR_RATE", 0.0);
    final long slowMs = parseDuration("SLOW_MS", 0, "ms");
    final long drainTimeoutMs = parseDuration("DRAIN_TIMEOUT", 5000, "ms");

    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicBoolean draining = new AtomicBoolean();
    HttpServer server;
    ExecutorService executor;

    public static void main(String[] args) throws Exception {
        new Hello().run();
    }

    void run() throws Exception {
        String label = NAME + " " + version;
        if (flag("CRASH_AT_START")) {
            System.err.println(label + ": CRASH_AT_START is set, exiting with status 1");
            System.exit(1);
        }
        long startDelay = parseDuration("START_DELAY", 0, "ms");
        if (startDelay > 0) {
            System.out.println(label + " starting in " + startDelay + "ms (START_DELAY)");
            Thread.sleep(startDelay);
        }
        int port = (int) parseLong("PORT", 5000);

        // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK:
        // every keep-alive response then waits ~40ms.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress("0.0.0.0", port), 128);
        executor = Executors.newFixedThreadPool(Math.max(8, Runtime.getRuntime().availableProcessors() * 4), r -> {
            Thread t = new Thread(r, "hello-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);

        if (drain) {
            Runnable onSignal = () -> {
                Thread t = new Thread(this::drainAndExit, "hello-drain");
                t.setDaemon(false); // the signal thread is a daemon; this one must keep the JVM alive
                t.start();
            };
            installSignalHandler("TERM", onSignal);
            installSignalHandler("INT", onSignal);
        } else {
            // A naive app: the JVM's default handling, which exits at once and drops in-flight requests.
            Runtime.getRuntime().addShutdownHook(new Thread(
                    () -> System.out.println(label + " stopped without draining (DRAIN=0)")));
        }

        server.start();
        System.out.println(label + " listening on :" + server.getAddress().getPort()
                + " (instance " + instance + ")");
        long healthFailAfter = parseDuration("HEALTH_FAIL_AFTER", 0, "ms");
        if (healthFailAfter > 0) {
            healthFailAt = System.currentTimeMillis() + healthFailAfter;
        }
        long crashAfter = parseDuration("CRASH_AFTER", 0, "ms");
        if (crashAfter > 0) {
            Thread crash = new Thread(() -> {
                try {
                    Thread.sleep(crashAfter);
                } catch (InterruptedException e) {
                    return;
                }
                System.err.println(label + ": CRASH_AFTER " + crashAfter + "ms is over, exiting with status 1");
                Runtime.getRuntime().halt(1);
            }, "hello-crash");
            crash.setDaemon(true);
            crash.start();
        }
    }

    void handle(HttpExchange ex) throws IOException {
        inFlight.incrementAndGet();
        try {
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
            }
            String path = ex.getRequestURI().getPath();
            int status;
            String body;
            switch (path) {
                case "/health":
                    boolean failing = healthFail || (healthFailAt > 0 && System.currentTimeMillis() >= healthFailAt);
                    status = failing ? 503 : 200;
                    body = failing ? "unhealthy (" + (healthFail ? "HEALTH_FAIL" : "HEALTH_FAIL_AFTER") + ")\n" : "ok\n";
                    break;
                case "/version":
                    status = 200;
                    body = version + "\n";
                    break;
                case "/":
                    if (slowMs > 0) sleep(slowMs);
                    if (errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate) {
                        status = 500;
                        body = "injected error (ERROR_RATE " + errorRate + ") from " + NAME + " " + version
                                + " (instance " + instance + ")\n";
                    } else {
                        status = 200;
                        body = greeting + " from " + NAME + " " + version + " (instance " + instance + ")\n";
                    }
                    break;
                default:
                    status = 404;
                    body = "not found: " + path + "\n";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            var headers = ex.getResponseHeaders();
            headers.set("Content-Type", "text/plain; charset=utf-8");
            headers.set("X-App-Version", version);
            headers.set("X-App-Instance", instance);
            if (draining.get()) headers.set("Connection", "close");
            boolean head = "HEAD".equalsIgnoreCase(ex.getRequestMethod());
            ex.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
            if (logRequests) {
                System.out.println(NAME + " " + version + " " + ex.getRequestMethod() + " "
                        + ex.getRequestURI() + " " + status);
            }
        } finally {
            ex.close(); // HttpExchange is AutoCloseable only since Java 18
            inFlight.decrementAndGet();
        }
    }

    /** Stop accepting, let in-flight requests finish (up to DRAIN_TIMEOUT), then exit 0. */
    void drainAndExit() {
        if (!draining.compareAndSet(false, true)) return;
        String label = NAME + " " + version;
        System.out.println(label + " draining (" + inFlight.get() + " in flight)");
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(drainTimeoutMs);
        int delaySeconds = (int) Math.max(1, (drainTimeoutMs + 999) / 1000);
        // HttpServer.stop closes the listener at once, then waits for exchanges to finish. Older JDKs
        // wait the whole delay even when idle, so stop() runs aside and we also watch our own count.
        Thread stopper = new Thread(() -> server.stop(delaySeconds), "hello-stop");
        stopper.setDaemon(true);
        stopper.start();
        sleep(100); // let requests accepted just before the listener closed reach the handler
        while (stopper.isAlive() && inFlight.get() > 0 && System.nanoTime() < deadline) {
            sleep(10);
        }
        int left = inFlight.get();
        executor.shutdown();
        System.out.println(label + " stopped" + (left > 0 ? " (" + left + " requests cut off by DRAIN_TIMEOUT)" : ""));
        System.out.flush();
        System.exit(0);
    }

    static void installSignalHandler(String name, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> action.run());
        } catch (IllegalArgumentException e) {
            System.err.println(NAME + ": cannot handle SIG" + name + ": " + e.getMessage());
        }
    }

    static String env(String name, String def) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? def : v;
    }

    static boolean flag(String name) {
        String v = env(name, "").trim().toLowerCase(Locale.ROOT);
        return !v.isEmpty() && !v.equals("0") && !v.equals("false") && !v.equals("no");
    }

    static long parseLong(String name, long def) {
        String v = env(name, "").trim();
        if (v.isEmpty()) return def;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
        }
    }

    static double parseDouble(String name, double def) {
        String v = env(name, "").trim();
        if (v.isEmpty()) return def;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
        }
    }

    /** A duration in milliseconds: "250ms", "2s", "1.5s", or a bare number in {@code bareUnit}. */
    static long parseDuration(String name, long defMs, String bareUnit) {
        String v = env(name, "").trim().toLowerCase(Locale.ROOT);
        if (v.isEmpty()) return defMs;
        try {
            if (v.endsWith("ms")) return Math.round(Double.parseDouble(v.substring(0, v.length() - 2).trim()));
            if (v.endsWith("s")) return Math.round(Double.parseDouble(v.substring(0, v.length() - 1).trim()) * 1000);
            double n = Double.parseDouble(v);
            return Math.round(bareUnit.equals("s") ? n * 1000 : n);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a duration like 250ms or 2s, got '" + v + "'");
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
