package dev.cutover.engine.rollout;

import java.util.Map;

/**
 * A change the planner asks for. Every action is idempotent and names its instance by a stable id, so a controller
 * that dies between acting and saving repeats it harmlessly.
 */
public sealed interface Action {

    /** Want a new instance of a release's process type running. */
    record Launch(String instance, int release, String type) implements Action {}

    /** Put an instance in or out of rotation. */
    record SetRouting(String instance, Routing routing) implements Action {}

    /** Want the instance stopped (with its stop signals) and out of the routing table. */
    record Stop(String instance) implements Action {}

    /**
     * Split the environment's traffic between releases by these percentages; empty: by instance count, which is
     * how in-place strategies and a settled environment are routed.
     */
    record SetWeights(Map<Integer, Integer> percentByRelease) implements Action {
        public SetWeights {
            percentByRelease = Map.copyOf(percentByRelease);
        }
    }

    /** Serve {@code release} at {@code APP-ENV-preview.DOMAIN}; 0 for no preview. */
    record SetPreview(int release) implements Action {}

    /** Record {@code release} as the one the environment serves (a traffic switch happened). */
    record MarkServing(int release) implements Action {}

    /**
     * Want the one-off run {@code run} started, once, with {@code release}'s build and environment: the release
     * command. Asking again for the same id never starts a second run.
     */
    record StartRun(String run, int release, String command) implements Action {}

    /**
     * The run is no longer wanted: stopped if it still runs (TERM to its process group, KILL after the stop
     * timeout), its outcome and output kept with the deployment, and then forgotten by its agent.
     */
    record StopRun(String run) implements Action {}
}
