package dev.cutover.engine.rollout;

import java.util.List;

/** The planner's answer for one tick: the state to save, the actions to carry out, the events to record. */
public record Plan(RolloutState next, List<Action> actions, List<String> events) {
    public Plan {
        actions = List.copyOf(actions);
        events = List.copyOf(events);
    }
}
