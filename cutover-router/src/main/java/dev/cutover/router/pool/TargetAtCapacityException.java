package dev.cutover.router.pool;

import dev.cutover.router.routing.LiveTarget;

/** A target already has as many connections open as the router allows; no connection was attempted. */
public final class TargetAtCapacityException extends Exception {

    public TargetAtCapacityException(LiveTarget target, int max) {
        super("target " + target.instance() + " at " + target.address() + " has " + max
                + " connections open (the most allowed per target)", null, false, false);
    }
}
