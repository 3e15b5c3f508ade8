package dev.cutover.engine.rollout;

import java.util.Objects;

/**
 * An instance as the controller persists it: what it is and what is wanted of it.
 *
 * @param running whether it is wanted running; false once it was told to stop
 */
public record InstanceRecord(String id, int release, String type, boolean running, Routing routing) {
    public InstanceRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(routing, "routing");
    }
}
