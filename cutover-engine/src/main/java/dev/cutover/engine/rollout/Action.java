package dev.cutover.engine.rollout;

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
}
