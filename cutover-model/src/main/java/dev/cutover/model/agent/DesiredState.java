package dev.cutover.model.agent;

import java.util.List;

/**
 * The complete set of instances and one-off runs one host must have. Revisions only grow; an agent applies a revision
 * once and reports the revision it has applied. An instance missing from the set is stopped with its stop signals; a
 * run missing from it is stopped if it still runs, and forgotten.
 */
public record DesiredState(long revision, List<InstanceSpec> instances, List<RunSpec> runs) {
    public static final DesiredState EMPTY = new DesiredState(0, List.of());

    public DesiredState {
        instances = List.copyOf(instances);
        runs = runs == null ? List.of() : List.copyOf(runs);
    }

    /** Instances only, no runs. */
    public DesiredState(long revision, List<InstanceSpec> instances) {
        this(revision, instances, List.of());
    }
}
