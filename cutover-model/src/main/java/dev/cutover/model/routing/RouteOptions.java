package dev.cutover.model.routing;

import java.util.Objects;

/**
 * How a route treats its requests beyond where they go.
 *
 * @param balance how a target is picked within a group
 * @param redirectHttps whether a request that arrived over plain HTTP is answered with a redirect to HTTPS
 *                      ({@code 308}, same host and target) instead of being proxied
 * @param maxBodyBytes the largest request body the route accepts (larger: {@code 413}); -1 for no limit
 */
public record RouteOptions(Balance balance, boolean redirectHttps, long maxBodyBytes) {

    public static final RouteOptions DEFAULT = new RouteOptions(Balance.LEAST_OUTSTANDING, false, -1);

    public RouteOptions {
        Objects.requireNonNull(balance, "balance");
        if (maxBodyBytes < -1) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: -1 for no limit, or 0 or "
                    + "more)");
        }
    }
}
