package dev.cutover.engine.rollout;

import dev.cutover.model.routing.TargetState;
import java.time.Instant;
import java.util.Map;

/**
 * Everything the planner may know of the world at one tick.
 *
 * @param instances agents' reports by instance id; an instance missing here has not been seen yet
 * @param routed the state of each instance in the newest routing table the router has acknowledged; an instance
 *               missing here is not routed
 * @param inFlight the router's in-flight request count per instance
 * @param abortRequested whether someone asked the deployment to stop
 * @param now the time of this tick
 */
public record Observations(
        Map<String, Observation> instances,
        Map<String, TargetState> routed,
        Map<String, Integer> inFlight,
        boolean abortRequested,
        Instant now) {

    public Observations {
        instances = Map.copyOf(instances);
        routed = Map.copyOf(routed);
        inFlight = Map.copyOf(inFlight);
    }
}
