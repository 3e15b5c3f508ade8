package dev.cutover.model.manifest;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Duration;

/** One step of a traffic-shifting strategy: the {@code steps} strategy's list, or what a preset expands to. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = TrafficStep.SetWeight.class, name = "set-weight"),
    @JsonSubTypes.Type(value = TrafficStep.Pause.class, name = "pause"),
    @JsonSubTypes.Type(value = TrafficStep.Analyze.class, name = "analysis")
})
public sealed interface TrafficStep {

    /** Send {@code percent} of the environment's traffic to the candidate. */
    record SetWeight(int percent) implements TrafficStep {
        public SetWeight {
            if (percent < 0 || percent > 100) {
                throw new ManifestException("set-weight", percent, "an integer from 0 to 100");
            }
        }
    }

    /** Bake for {@code duration} (analysis runs meanwhile when configured), or until promoted when it is null. */
    record Pause(Duration duration) implements TrafficStep {
        public boolean untilPromote() {
            return duration == null;
        }
    }

    /** Judge the candidate's traffic since the last weight change, as soon as there is enough of it. */
    record Analyze(Analysis analysis) implements TrafficStep {}
}
