package dev.cutover.testkit.load;

import dev.cutover.testkit.load.LoadResult.Failure;
import dev.cutover.testkit.load.LoadResult.FailureKind;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A bounded HTTP/1.1 load client for end-to-end tests: N workers send {@code GET} requests over
 * raw sockets and count every outcome. Nothing is retried, so a connection refused, a reset, a
 * timeout or a 502 during a deployment shows up in the counts.
 *
 * <pre>{@code
 * try (LoadClient load = LoadClient.to("127.0.0.1", 8080).hostHeader("hello-prod.localhost")
 *         .workers(8).deadline(Duration.ofSeconds(60)).countHeader("X-App-Version").start()) {
 *     deploy(...);
 *     load.stop();
 *     LoadResult r = load.await();
 *     assertThat(r.failed()).as(r.summary()).isZero();
 * }
 * }</pre>
 *
 * <p>A run ends by itself at the deadline (default 60 s) or after {@code maxRequests}, whichever
 * comes first, or when {@link #stop()} is called; a worker finishes the request it is in (bounded
 * by the connect and read timeouts) and starts no other. Nothing is aborted, so no failure is
 * ever caused by the client stopping.
 *
 * <p>{@link Mode#KEEP_ALIVE} reuses each worker's connection; a response with
 * {@code Connection: close} (or a body delimited by the end of the connection) makes the next
 * request open a new one, which is not a failure. {@link Mode#NEW_CONNECTION} sends every request
 * on a fresh connection with {@code Connection: close}. After any failure the worker closes its
 * socket, pauses briefly ({@code failurePause}, 10 ms) and goes on with a new connection.
 */
public final class LoadClient implements AutoCloseable {

    /** How workers use connections. */
    public enum Mode { KEEP_ALIVE, NEW_CONNECTION }

    private final String host;
    private final int port;
    private final String path;
    private final String hostHeader;
    private final int workers;
    private final Mode mode;
    private final Duration deadline;
    private final long maxRequests;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;
    private final String countHeader;
    private final boolean virtualThreads;
    private final long failurePauseNanos;
    private final int maxRecordedFailures;
    private final byte[] request;

    private final LongAdder sent = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder[] failuresByKind;
    private final ConcurrentHashMap<Integer, LongAdder> statusCounts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> headerCounts = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<String> lastHeaderValues;
    private final List<Failure> firstFailures = new ArrayList<>();
    private final LongAdder connectionsOpened = new LongAdder();
    private final AtomicLong tickets = new AtomicLong();
    private final CountDownLatch done;

    private volatile boolean stopRequested;
    private volatile boolean started;
    private volatile long startNanos;
    private volatile long endNanos;
    private volatile long deadlineNanos;

    private LoadClient(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.path = b.path;
        this.hostHeader = b.hostHeader != null ? b.hostHeader : (port == 80 ? host : host + ":" + port);
        this.workers = b.workers;
        this.mode = b.mode;
        this.deadline = b.deadline;
        this.maxRequests = b.maxRequests;
        this.connectTimeoutMs = toMillis(b.connectTimeout);
        this.readTimeoutMs = toMillis(b.readTimeout);
        this.countHeader = b.countHeader;
        this.virtualThreads = b.virtualThreads;
        this.failurePauseNanos = b.failurePause.toNanos();
        this.maxRecordedFailures = b.maxRecordedFailures;
        this.failuresByKind = new LongAdder[FailureKind.values().length];
        for (int i = 0; i < failuresByKind.length; i++) failuresByKind[i] = new LongAdder();
        this.lastHeaderValues = new AtomicReferenceArray<>(workers);
        for (int i = 0; i < workers; i++) lastHeaderValues.set(i, LoadResult.NO_RESPONSE);
        this.done = new CountDownLatch(workers);

        StringBuilder req = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(hostHeader).append("\r\n")
                .append("User-Agent: cutover-testkit-load\r\n")
                .append("Accept: */*\r\n");
        b.headers.forEach((name, value) -> req.append(name).append(": ").append(value).append("\r\n"));
        if (mode == Mode.NEW_CONNECTION) req.append("Connection: close\r\n");
        req.append("\r\n");
        this.request = req.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A builder for load against {@code host:port} (an address to connect to; the Host header is separate). */
    public static Builder to(String host, int port) {
        return new Builder(host, port);
    }

    /** A builder from an {@code http://host[:port]/path} URL: connects to its host and port, sends its path. */
    public static Builder to(URI url) {
        if (!"http".equalsIgnoreCase(url.getScheme())) throw new IllegalArgumentException("only http URLs: " + url);
        if (url.getHost() == null) throw new IllegalArgumentException("no host in " + url);
        int port = url.getPort() == -1 ? 80 : url.getPort();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) path += "?" + url.getRawQuery();
        return new Builder(url.getHost(), port).path(path);
    }

    /** Starts the workers; returns at once. A client runs once. */
    public synchronized LoadClient start() {
        if (started) throw new IllegalStateException("already started");
        started = true;
        startNanos = System.nanoTime();
        deadlineNanos = startNanos + deadline.toNanos();
        for (int i = 0; i < workers; i++) {
            int id = i;
            Runnable body = () -> {
                try {
                    new Worker(id).run();
                } finally {
                    finishOne();
                }
            };
            String name = "load-worker-" + id;
            Thread t = virtualThreads ? Thread.ofVirtual().name(name).unstarted(body)
                    : Thread.ofPlatform().name(name).daemon(true).unstarted(body);
            t.start();
        }
        return this;
    }

    /** Asks the workers to stop after their current request; returns at once. */
    public void stop() {
        stopRequested = true;
    }

    /** Waits until every worker has stopped and returns the final result. */
    public LoadResult await() throws InterruptedException {
        requireStarted();
        done.await();
        return snapshot();
    }

    /** Waits up to {@code timeout} for every worker to stop; true if they have. */
    public boolean await(Duration timeout) throws InterruptedException {
        requireStarted();
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** True once every worker has stopped. */
    public boolean isFinished() {
        return started && done.getCount() == 0;
    }

    /** The counts so far; final once {@link #isFinished()}. Safe to call from any thread at any time. */
    public LoadResult snapshot() {
        boolean finished = isFinished();
        long end = finished ? endNanos : System.nanoTime();
        Duration elapsed = started ? Duration.ofNanos(end - startNanos) : Duration.ZERO;
        // read failures and successes before sent, so that sent >= succeeded + failed in a snapshot
        Map<FailureKind, Long> kinds = new EnumMap<>(FailureKind.class);
        for (FailureKind k : FailureKind.values()) kinds.put(k, failuresByKind[k.ordinal()].sum());
        long failedNow = failed.sum();
        long succeededNow = succeeded.sum();
        Map<Integer, Long> statuses = new HashMap<>();
        statusCounts.forEach((k, v) -> statuses.put(k, v.sum()));
        Map<String, Long> headers = new HashMap<>();
        headerCounts.forEach((k, v) -> headers.put(k, v.sum()));
        List<String> last = new ArrayList<>(workers);
        for (int i = 0; i < workers; i++) last.add(lastHeaderValues.get(i));
        List<Failure> failures;
        synchronized (firstFailures) {
            failures = List.copyOf(firstFailures);
        }
        long sentNow = sent.sum();
        return new LoadResult(Math.max(sentNow, succeededNow + failedNow), succeededNow, failedNow, kinds, statuses,
                countHeader, headers, last, failures, connectionsOpened.sum(), elapsed, finished);
    }

    /** Stops the run and waits for the workers. */
    @Override
    public void close() {
        stop();
        if (!started) return;
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void requireStarted() {
        if (!started) throw new IllegalStateException("not started");
    }

    private void finishOne() {
        synchronized (done) {
            if (done.getCount() == 1) endNanos = System.nanoTime();
            done.countDown();
        }
    }

    private boolean mayStartAnother() {
        if (stopRequested) return false;
        if (System.nanoTime() - deadlineNanos >= 0) return false;
        return maxRequests <= 0 || tickets.incrementAndGet() <= maxRequests;
    }

    private void recordFailure(int worker, FailureKind kind, int status, String detail) {
        failed.increment();
        failuresByKind[kind.ordinal()].increment();
        synchronized (firstFailures) {
            if (firstFailures.size() < maxRecordedFailures) {
                long now = System.nanoTime();
                firstFailures.add(new Failure(Instant.now(), Duration.ofNanos(now - startNanos), worker, kind, status,
                        detail));
            }
        }
    }

    private static int toMillis(Duration d) {
        long ms = d.toMillis();
        if (ms <= 0 || ms > Integer.MAX_VALUE) throw new IllegalArgumentException("timeout out of range: " + d);
        return (int) ms;
    }

    /** One worker: a loop of requests on its own connection. */
    private final class Worker {
        private final int id;
        private final HttpResponseReader reader = new HttpResponseReader();
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private int requestsOnConnection;

        Worker(int id) {
            this.id = id;
        }

        void run() {
            try {
                while (mayStartAnother()) {
                    sent.increment();
                    if (!oneRequest()) {
                        closeSocket();
                        pause();
                    }
                }
            } finally {
                closeSocket();
            }
        }

        /** Sends one request and records its outcome; false if it failed (the caller closes and pauses). */
        private boolean oneRequest() {
            if (socket == null) {
                try {
                    connect();
                } catch (IOException e) {
                    recordFailure(id, FailureKind.CONNECT, 0, "connect to " + host + ":" + port + ": " + describe(e));
                    return false;
                }
            }
            requestsOnConnection++;
            boolean reused = requestsOnConnection > 1;
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                recordFailure(id, e instanceof SocketTimeoutException ? FailureKind.TIMEOUT : FailureKind.RESET, 0,
                        "writing the request" + where(reused) + ": " + describe(e));
                return false;
            }
            HttpResponseReader.Response response;
            try {
                response = reader.read(in);
            } catch (SocketTimeoutException e) {
                recordFailure(id, FailureKind.TIMEOUT, 0, "read timed out (" + readTimeoutMs + "ms) after "
                        + reader.bytesRead() + " response bytes" + where(reused));
                return false;
            } catch (ProtocolException e) {
                recordFailure(id, FailureKind.PROTOCOL, 0, e.getMessage() + where(reused));
                return false;
            } catch (EOFException e) {
                recordFailure(id, FailureKind.RESET, 0, e.getMessage() + where(reused));
                return false;
            } catch (IOException e) {
                recordFailure(id, FailureKind.RESET, 0, describe(e) + where(reused) + " after "
                        + reader.bytesRead() + " response bytes");
                return false;
            }

            statusCounts.computeIfAbsent(response.status(), k -> new LongAdder()).increment();
            if (countHeader != null) {
                String value = response.header(countHeader);
                if (value == null) value = LoadResult.ABSENT;
                headerCounts.computeIfAbsent(value, k -> new LongAdder()).increment();
                lastHeaderValues.set(id, value);
            }
            if (!response.keepAlive() || mode == Mode.NEW_CONNECTION) closeSocket();
            if (response.status() >= 200 && response.status() <= 299) {
                succeeded.increment();
                return true;
            }
            String body = response.bodyPrefix().strip();
            recordFailure(id, FailureKind.STATUS, response.status(), "status " + response.status()
                    + (body.isEmpty() ? "" : ": " + HttpResponseReader.abbreviate(body)));
            return false;
        }

        private void connect() throws IOException {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.setSoTimeout(readTimeoutMs);
                s.connect(new InetSocketAddress(host, port), connectTimeoutMs);
                in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
                out = s.getOutputStream();
            } catch (IOException | RuntimeException e) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
                throw e;
            }
            socket = s;
            requestsOnConnection = 0;
            connectionsOpened.increment();
        }

        private String where(boolean reused) {
            return reused ? " (request " + requestsOnConnection + " on a reused connection)" : " (new connection)";
        }

        private void closeSocket() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing is best effort
                }
                socket = null;
                in = null;
                out = null;
            }
        }

        private void pause() {
            if (failurePauseNanos > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(failurePauseNanos);
                } catch (InterruptedException e) {
                    stop();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Settings of a {@link LoadClient}; every one has a default except the address. */
    public static final class Builder {
        private final String host;
        private final int port;
        private String path = "/";
        private String hostHeader;
        private int workers = 4;
        private Mode mode = Mode.KEEP_ALIVE;
        private Duration deadline = Duration.ofSeconds(60);
        private long maxRequests;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(10);
        private String countHeader;
        private boolean virtualThreads;
        private Duration failurePause = Duration.ofMillis(10);
        private int maxRecordedFailures = 20;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
            this.port = port;
        }

        /** The request target, default {@code /}. */
        public Builder path(String path) {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
                throw new IllegalArgumentException("path must start with / and hold no spaces or controls: " + path);
            }
            this.path = path;
            return this;
        }

        /** The Host header, e.g. {@code hello-prod.localhost:8080}; default {@code host:port}. */
        public Builder hostHeader(String hostHeader) {
            this.hostHeader = requireToken(hostHeader, "host header");
            return this;
        }

        /** Concurrent workers, each with its own connection; default 4. */
        public Builder workers(int workers) {
            if (workers < 1) throw new IllegalArgumentException("workers must be at least 1: " + workers);
            this.workers = workers;
            return this;
        }

        /** Default {@link Mode#KEEP_ALIVE}. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** No request starts later than this after {@link #start()}; default 60 s. */
        public Builder deadline(Duration deadline) {
            if (deadline.isNegative() || deadline.isZero()) throw new IllegalArgumentException("deadline must be positive");
            this.deadline = deadline;
            return this;
        }

        /** At most this many requests in all (0, the default: no limit but the deadline). */
        public Builder maxRequests(long maxRequests) {
            if (maxRequests < 0) throw new IllegalArgumentException("maxRequests must not be negative");
            this.maxRequests = maxRequests;
            return this;
        }

        /** Default 5 s; a connection not established in time is a {@link FailureKind#CONNECT} failure. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout);
            toMillis(connectTimeout);
            return this;
        }

        /** Socket read timeout, default 10 s; expiry is a {@link FailureKind#TIMEOUT} failure. */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = Objects.requireNonNull(readTimeout);
            toMillis(readTimeout);
            return this;
        }

        /** A response header whose values are counted, e.g. {@code X-App-Version} (matched case-insensitively). */
        public Builder countHeader(String name) {
            this.countHeader = requireToken(name, "header name");
            return this;
        }

        /** Run workers on virtual threads instead of platform threads (the default). */
        public Builder virtualThreads(boolean virtualThreads) {
            this.virtualThreads = virtualThreads;
            return this;
        }

        /** The pause after a failed request, default 10 ms. */
        public Builder failurePause(Duration pause) {
            if (pause.isNegative()) throw new IllegalArgumentException("pause must not be negative");
            this.failurePause = pause;
            return this;
        }

        /** How many failures are kept with their details, default 20 (all are counted). */
        public Builder maxRecordedFailures(int max) {
            if (max < 0) throw new IllegalArgumentException("must not be negative");
            this.maxRecordedFailures = max;
            return this;
        }

        /** An extra request header sent with every request. */
        public Builder header(String name, String value) {
            requireToken(name, "header name");
            Objects.requireNonNull(value, "value");
            if (value.chars().anyMatch(c -> c == '\r' || c == '\n')) throw new IllegalArgumentException("CR/LF in header value");
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (lower.equals("host") || lower.equals("connection") || lower.equals("content-length")
                    || lower.equals("transfer-encoding")) {
                throw new IllegalArgumentException(name + " is set by the client");
            }
            headers.put(name, value);
            return this;
        }

        public LoadClient build() {
            return new LoadClient(this);
        }

        /** Builds and starts the client. */
        public LoadClient start() {
            return build().start();
        }

        /** Builds, starts, and waits for the run to end by its deadline or request count. */
        public LoadResult run() throws InterruptedException {
            return build().start().await();
        }

        private static String requireToken(String s, String what) {
            Objects.requireNonNull(s, what);
            if (s.isEmpty() || s.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
                throw new IllegalArgumentException("invalid " + what + ": '" + s + "'");
            }
            return s;
        }
    }
}
