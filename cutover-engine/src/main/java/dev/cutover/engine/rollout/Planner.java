package dev.cutover.engine.rollout;

import java.util.List;

/**
 * The deployment engine's one entry point: a pure function of the deployment's saved state, the instances the
 * controller wants, what agents and the router report, and the time. It returns the next state, the idempotent
 * actions to carry out and the events to record; the controller's loop does the rest. Within one call it chains
 * every step that needs no waiting, so a tick does as much as the world allows.
 */
public final class Planner {

    private Planner() {}

    public static Plan plan(RolloutSpec spec, RolloutState state, List<InstanceRecord> inventory, Observations obs) {
        Tick tick = new Tick(spec, state, inventory, obs);
        tick.run();
        return new Plan(tick.state, tick.actions, tick.events);
    }
}
