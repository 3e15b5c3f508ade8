package dev.cutover.engine.rollout;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * What a deployment waits for now. Every step can be derived again from the inventory after a crash; the step
 * record carries only what cannot: when the wait began and its deadline.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Step.Choose.class, name = "choose"),
    @JsonSubTypes.Type(value = Step.AwaitReady.class, name = "await-ready"),
    @JsonSubTypes.Type(value = Step.AwaitRouted.class, name = "await-routed"),
    @JsonSubTypes.Type(value = Step.AwaitDrained.class, name = "await-drained"),
    @JsonSubTypes.Type(value = Step.Done.class, name = "done")
})
public sealed interface Step {

    /** Between steps: look at the inventory and pick the next one. */
    record Choose() implements Step {}

    /** A launched instance must become healthy (or running, without a port) before {@code deadline}. */
    record AwaitReady(String instance, Instant since, Instant deadline) implements Step {}

    /** A healthy instance was added to the routing table; waiting for the router to acknowledge it. */
    record AwaitRouted(String instance, Instant since, Instant deadline) implements Step {}

    /**
     * An instance was marked draining; waiting for the router to acknowledge that, then for its in-flight requests
     * to finish or {@code deadline} (the stop timeout), before it is told to stop.
     */
    record AwaitDrained(String instance, Instant since, Instant deadline) implements Step {}

    /** Nothing left to do. */
    record Done() implements Step {}
}
