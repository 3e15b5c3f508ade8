package dev.cutover.router;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Router} listens and how patient it is with targets.
 *
 * @param bindAddress the address to listen on, e.g. {@code 0.0.0.0} or {@code 127.0.0.1}
 * @param port the port to listen on; {@code 0} picks a free one (see {@link Router#port()})
 * @param connectTimeout how long a connection attempt to a target may take before the next target is tried
 * @param responseTimeout how long a target may take to send the first byte of its response after the request
 *                        head was sent; then the client gets a 504
 * @param idleTimeout how long a client connection or a pooled target connection may sit idle before it is closed
 * @param maxConnectionsPerTarget open connections to one target, busy or idle, across all event loops
 */
public record RouterConfig(
        String bindAddress,
        int port,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration idleTimeout,
        int maxConnectionsPerTarget) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_TARGET = 1024;

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
        if (connectTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("connectTimeout: " + connectTimeout + " (expected: at most "
                    + Integer.MAX_VALUE + " ms)");
        }
        if (maxConnectionsPerTarget < 1) {
            throw new IllegalArgumentException(
                    "maxConnectionsPerTarget: " + maxConnectionsPerTarget + " (expected: 1 or more)");
        }
    }

    /** The defaults: connect 2s, response 60s, idle 60s, 1024 connections per target. */
    public static RouterConfig defaults(String bindAddress, int port) {
        return new RouterConfig(bindAddress, port, DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS_PER_TARGET);
    }

    public RouterConfig withPort(int newPort) {
        return new RouterConfig(bindAddress, newPort, connectTimeout, responseTimeout, idleTimeout, maxConnectionsPerTarget);
    }

    public RouterConfig withResponseTimeout(Duration timeout) {
        return new RouterConfig(bindAddress, port, connectTimeout, timeout, idleTimeout, maxConnectionsPerTarget);
    }

    public RouterConfig withIdleTimeout(Duration timeout) {
        return new RouterConfig(bindAddress, port, connectTimeout, responseTimeout, timeout, maxConnectionsPerTarget);
    }

    private static void requirePositive(String field, Duration value) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + ": " + value + " (expected: a positive duration)");
        }
    }
}
