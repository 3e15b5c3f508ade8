package dev.cutover.engine.rollout;

/** What the controller wants the router to do with an instance. */
public enum Routing {
    /** Not in the routing table. */
    NONE,
    /** Takes new requests. */
    ACTIVE,
    /** Finishes its in-flight requests, takes no new ones. */
    DRAINING
}
