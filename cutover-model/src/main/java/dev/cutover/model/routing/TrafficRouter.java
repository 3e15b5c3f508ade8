package dev.cutover.model.routing;

import java.util.Map;

/**
 * The port through which the controller steers a router, in the same JVM or on another machine.
 * Implementations are thread-safe.
 */
public interface TrafficRouter {

    /**
     * Hands the router a new table. Returns at once; the table is applied asynchronously and then acknowledged
     * through {@link #appliedVersion()}. A table whose version is not above the applied one is ignored.
     */
    void apply(RoutingTable table);

    /** The version of the newest table the router has applied: no request is picked from an older one after this. */
    long appliedVersion();

    /** Per-target counters, keyed by instance id, for every target of the applied table and those still draining. */
    Map<String, TargetStats> targetStats();

    /**
     * Per-target-group counters and latency, keyed by {@link GroupStats#key}, for every group a table has listed.
     * Cheap enough to read every few seconds. Routers that do not keep them return an empty map.
     */
    default Map<String, GroupStats> groupStats() {
        return Map.of();
    }
}
