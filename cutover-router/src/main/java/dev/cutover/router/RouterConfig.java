package dev.cutover.router;

import dev.cutover.router.tls.TlsConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link Router} listens and how patient it is with clients and targets.
 *
 * @param bindAddress the address to listen on, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port the plain HTTP port; {@code 0} picks a free one (see {@link Router#port()})
 * @param connectTimeout how long a connection attempt to a target may take before the next target is tried
 * @param responseTimeout how long a target may take to send the first byte of its response once the whole request
 *                        was sent; then the client gets a 504
 * @param idleTimeout how long a client connection may sit between requests (or take to send a request head)
 * @param targetIdleTimeout how long a pooled connection to a target may sit unused before it is closed
 * @param tunnelIdleTimeout how long a WebSocket may carry nothing in either direction before it is closed
 * @param tunnelDrainGrace how long a WebSocket to a target that drains stays open before it gets a close frame, and
 *                         a server-sent event stream before it ends
 * @param maxConnectionsPerTarget open connections to one target, busy or idle, across all event loops
 * @param ejectionBackoff how long a target that refused a connection is left out before the first probe; doubled
 *                        after each failed probe, up to {@link #MAX_EJECTION_BACKOFF_FACTOR} times this
 * @param accessLog where to write the access log: a file path, {@code -} for standard output, {@code null} for none
 * @param tls the HTTPS listener and its certificates; {@code null} for none
 * @param workers event loop threads, each serving its share of the connections; 0 for one per CPU
 * @param transport how the event loops do their I/O; {@link Transport#AUTO} for epoll where it runs, else NIO
 */
public record RouterConfig(
        String bindAddress,
        int port,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration idleTimeout,
        Duration targetIdleTimeout,
        Duration tunnelIdleTimeout,
        Duration tunnelDrainGrace,
        int maxConnectionsPerTarget,
        Duration ejectionBackoff,
        String accessLog,
        TlsConfig tls,
        int workers,
        Transport transport) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_TARGET_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_TUNNEL_IDLE_TIMEOUT = Duration.ofHours(1);
    public static final Duration DEFAULT_TUNNEL_DRAIN_GRACE = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_TARGET = 1024;
    public static final Duration DEFAULT_EJECTION_BACKOFF = Duration.ofSeconds(1);
    /** The longest backoff between probes of an ejected target, as a multiple of {@code ejectionBackoff}. */
    public static final int MAX_EJECTION_BACKOFF_FACTOR = 30;

    public RouterConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (bindAddress.isBlank()) {
            throw new IllegalArgumentException("bindAddress: '" + bindAddress + "' (expected: an IP address or host name)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("responseTimeout", responseTimeout);
        requirePositive("idleTimeout", idleTimeout);
        requirePositive("targetIdleTimeout", targetIdleTimeout);
        requirePositive("tunnelIdleTimeout", tunnelIdleTimeout);
        Objects.requireNonNull(tunnelDrainGrace, "tunnelDrainGrace");
        if (tunnelDrainGrace.isNegative()) {
            throw new IllegalArgumentException("tunnelDrainGrace: " + tunnelDrainGrace + " (expected: 0 or more)");
        }
        requirePositive("ejectionBackoff", ejectionBackoff);
        if (accessLog != null && accessLog.isBlank()) {
            throw new IllegalArgumentException("accessLog: '" + accessLog + "' (expected: a file path, - for standard "
                    + "output, or null for none)");
        }
        if (connectTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: at most "
                    + Integer.MAX_VALUE + " ms)");
        }
        if (workers < 0 || workers > 256) {
            throw new IllegalArgumentException("workers: " + workers + " (expected: 0 for one per CPU, or 1 to 256)");
        }
        Objects.requireNonNull(transport, "transport");
        if (maxConnectionsPerTarget < 1) {
            throw new IllegalArgumentException(
                    "maxConnectionsPerTarget: " + maxConnectionsPerTarget + " (expected: 1 or more)");
        }
    }

    /**
     * With the default ejection backoff, WebSocket timeouts and no TLS; {@code idleTimeout} for both sides; the
     * transport {@link Transport#fromSystemProperty()} names.
     */
    public RouterConfig(String bindAddress, int port, Duration connectTimeout, Duration responseTimeout,
            Duration idleTimeout, int maxConnectionsPerTarget) {
        this(bindAddress, port, connectTimeout, responseTimeout, idleTimeout, idleTimeout, DEFAULT_TUNNEL_IDLE_TIMEOUT,
                DEFAULT_TUNNEL_DRAIN_GRACE, maxConnectionsPerTarget, DEFAULT_EJECTION_BACKOFF, null, null, 0,
                Transport.fromSystemProperty());
    }

    /**
     * The defaults: connect 2s, response 60s, idle 60s both sides, 1024 connections per target, backoff 1s, the
     * transport {@link Transport#fromSystemProperty()} names.
     */
    public static RouterConfig defaults(String bindAddress, int port) {
        return new RouterConfig(bindAddress, port, DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT, DEFAULT_TARGET_IDLE_TIMEOUT, DEFAULT_TUNNEL_IDLE_TIMEOUT,
                DEFAULT_TUNNEL_DRAIN_GRACE, DEFAULT_MAX_CONNECTIONS_PER_TARGET, DEFAULT_EJECTION_BACKOFF, null, null, 0,
                Transport.fromSystemProperty());
    }

    public RouterConfig withPort(int newPort) {
        return copy(c -> c.port = newPort);
    }

    public RouterConfig withResponseTimeout(Duration timeout) {
        return copy(c -> c.responseTimeout = timeout);
    }

    /** The same idle timeout for client connections and pooled target connections. */
    public RouterConfig withIdleTimeout(Duration timeout) {
        return copy(c -> {
            c.idleTimeout = timeout;
            c.targetIdleTimeout = timeout;
        });
    }

    public RouterConfig withTunnelTimeouts(Duration idle, Duration drainGrace) {
        return copy(c -> {
            c.tunnelIdleTimeout = idle;
            c.tunnelDrainGrace = drainGrace;
        });
    }

    public RouterConfig withEjectionBackoff(Duration backoff) {
        return copy(c -> c.ejectionBackoff = backoff);
    }

    /** With an access log written to a file, or to standard output for {@code -}; {@code null} turns it off. */
    public RouterConfig withAccessLog(String target) {
        return copy(c -> c.accessLog = target);
    }

    /** With an HTTPS listener; {@code null} for none. */
    public RouterConfig withTls(TlsConfig newTls) {
        return copy(c -> c.tls = newTls);
    }

    /** With {@code n} event loop threads; 0 for one per CPU. */
    public RouterConfig withWorkers(int n) {
        return copy(c -> c.workers = n);
    }

    /** With the event loops' I/O done by {@code t}. */
    public RouterConfig withTransport(Transport t) {
        return copy(c -> c.transport = t);
    }

    /** The event loop threads to start: {@code workers}, or one per CPU. */
    public int workerThreads() {
        return workers > 0 ? workers : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** This configuration with the changes {@code edit} makes, checked again by the canonical constructor. */
    private RouterConfig copy(Consumer<Copy> edit) {
        Copy c = new Copy(this);
        edit.accept(c);
        return new RouterConfig(c.bindAddress, c.port, c.connectTimeout, c.responseTimeout, c.idleTimeout,
                c.targetIdleTimeout, c.tunnelIdleTimeout, c.tunnelDrainGrace, c.maxConnectionsPerTarget,
                c.ejectionBackoff, c.accessLog, c.tls, c.workers, c.transport);
    }

    /** The components of a configuration being copied, each open to change before the copy is made. */
    private static final class Copy {
        String bindAddress;
        int port;
        Duration connectTimeout;
        Duration responseTimeout;
        Duration idleTimeout;
        Duration targetIdleTimeout;
        Duration tunnelIdleTimeout;
        Duration tunnelDrainGrace;
        int maxConnectionsPerTarget;
        Duration ejectionBackoff;
        String accessLog;
        TlsConfig tls;
        int workers;
        Transport transport;

        Copy(RouterConfig from) {
            bindAddress = from.bindAddress;
            port = from.port;
            connectTimeout = from.connectTimeout;
            responseTimeout = from.responseTimeout;
            idleTimeout = from.idleTimeout;
            targetIdleTimeout = from.targetIdleTimeout;
            tunnelIdleTimeout = from.tunnelIdleTimeout;
            tunnelDrainGrace = from.tunnelDrainGrace;
            maxConnectionsPerTarget = from.maxConnectionsPerTarget;
            ejectionBackoff = from.ejectionBackoff;
            accessLog = from.accessLog;
            tls = from.tls;
            workers = from.workers;
            transport = from.transport;
        }
    }

    private static void requirePositive(String field, Duration value) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: a positive duration)");
        }
    }
}
