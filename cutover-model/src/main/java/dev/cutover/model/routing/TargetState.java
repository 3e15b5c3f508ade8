package dev.cutover.model.routing;

/** How the router treats a target: {@code ACTIVE} gets new requests, {@code DRAINING} only finishes the ones it has. */
public enum TargetState {
    ACTIVE,
    DRAINING
}
