package dev.cutover.model.agent;

import java.util.List;

/**
 * The complete set of instances one host must run. Revisions only grow; an agent applies a revision once and
 * reports the revision it has applied. An instance missing from the set is stopped with its stop signals.
 */
public record DesiredState(long revision, List<InstanceSpec> instances) {
    public static final DesiredState EMPTY = new DesiredState(0, List.of());

    public DesiredState {
        instances = List.copyOf(instances);
    }
}
