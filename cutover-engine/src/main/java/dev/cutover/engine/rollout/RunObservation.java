package dev.cutover.engine.rollout;

import java.time.Duration;
import java.util.Objects;

/** What an agent last reported of a one-off run (a release command). A run not reported yet is not observed. */
public sealed interface RunObservation {

    /** Starting or running: its exit is still to come. */
    record Running() implements RunObservation {}

    /**
     * It ran to its end.
     *
     * @param ran how long its process ran, as its agent measured it; null when unknown
     */
    record Exited(int code, Duration ran) implements RunObservation {}

    /** It could not be started at all (a missing or corrupt build, a working directory that cannot be made). */
    record StartFailed(String reason) implements RunObservation {
        public StartFailed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Its process went away without leaving its exit code: killed with the wrapper that records it, say. */
    record Lost(String reason) implements RunObservation {
        public Lost {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
