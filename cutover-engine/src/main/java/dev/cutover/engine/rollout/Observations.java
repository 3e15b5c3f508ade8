package dev.cutover.engine.rollout;

import dev.cutover.model.routing.TargetState;
import java.time.Instant;
import java.util.Map;

/**
 * Everything the planner may know of the world at one tick.
 *
 * @param instances agents' reports by instance id; an instance missing here has not been seen yet
 * @param runs agents' reports of one-off runs by run id; a run missing here has not been seen yet, or is forgotten
 * @param routed the state of each instance in the newest routing table the router has acknowledged; an instance
 *               missing here is not routed
 * @param weights the environment's traffic split in that acknowledged table, percent by release; empty when it is
 *                split by instance count
 * @param desiredWeights the split the controller has asked for, acknowledged or not
 * @param weightsPending whether a change of the split was published and is not acknowledged yet: {@code weights}
 *                       may then be older than a change
 * @param groups the router's counts per release of this environment
 * @param inFlight the router's in-flight request count per instance
 * @param abortRequested whether someone asked the deployment to stop and roll back
 * @param rollbackRequested whether that was {@code cutover rollback} (turning a traffic-shifting deployment around),
 *                          not {@code cutover abort}
 * @param promotions how many times someone ran {@code cutover promote} on this deployment
 * @param paused whether someone paused the deployment
 * @param now the time of this tick
 */
public record Observations(
        Map<String, Observation> instances,
        Map<String, RunObservation> runs,
        Map<String, TargetState> routed,
        Map<Integer, Integer> weights,
        Map<Integer, Integer> desiredWeights,
        boolean weightsPending,
        Map<Integer, GroupObservation> groups,
        Map<String, Integer> inFlight,
        boolean abortRequested,
        boolean rollbackRequested,
        int promotions,
        boolean paused,
        Instant now) {

    public Observations {
        instances = Map.copyOf(instances);
        runs = Map.copyOf(runs);
        routed = Map.copyOf(routed);
        weights = Map.copyOf(weights);
        desiredWeights = Map.copyOf(desiredWeights);
        groups = Map.copyOf(groups);
        inFlight = Map.copyOf(inFlight);
    }

    /** Whether the router has acknowledged {@code split} and nothing newer is on its way. */
    public boolean splitIs(Map<Integer, Integer> split) {
        return !weightsPending && desiredWeights.equals(split) && weights.equals(split);
    }
}
