package dev.cutover.model.routing;

import java.util.Objects;

/**
 * An instance as the router sees it.
 *
 * @param instance the instance id, stable across the target's life; stats are keyed by it
 * @param host the address to connect to (an IP literal or a resolvable name)
 * @param port the instance's port
 * @param state whether it takes new requests
 */
public record Target(String instance, String host, int port, TargetState state) {
    public Target {
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(state, "state");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
    }

    public String address() {
        return host + ":" + port;
    }
}
