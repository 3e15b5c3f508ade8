package dev.cutover.engine.rollout;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.cutover.model.manifest.Analysis;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a deployment waits for now. Every wait on instances can be derived again from the inventory after a crash;
 * the step record carries what cannot: when the wait began, its deadline, and a bake's baseline counts.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Step.Choose.class, name = "choose"),
    @JsonSubTypes.Type(value = Step.AwaitRelease.class, name = "await-release"),
    @JsonSubTypes.Type(value = Step.AwaitReady.class, name = "await-ready"),
    @JsonSubTypes.Type(value = Step.AwaitRouted.class, name = "await-routed"),
    @JsonSubTypes.Type(value = Step.AwaitDrained.class, name = "await-drained"),
    @JsonSubTypes.Type(value = Step.AwaitWeights.class, name = "await-weights"),
    @JsonSubTypes.Type(value = Step.Bake.class, name = "bake"),
    @JsonSubTypes.Type(value = Step.KeepOld.class, name = "keep-old"),
    @JsonSubTypes.Type(value = Step.Watch.class, name = "watch"),
    @JsonSubTypes.Type(value = Step.Done.class, name = "done")
})
public sealed interface Step {

    /**
     * Whether {@code cutover promote} moves a deployment on from this step (the planner spends a promotion on it): a
     * bake (timed, until promoted, an approval wait, an analysis, or a failure held for a person), keep-old or the
     * watch at the end.
     */
    default boolean endsOnPromote() {
        return this instanceof Bake || this instanceof KeepOld || this instanceof Watch;
    }

    /** Between steps: look at the inventory and pick the next one. */
    record Choose() implements Step {}

    /**
     * The release command runs as {@code run}; it must exit 0 before {@code deadline}. Nothing of the new release is
     * launched and no traffic moves until it has.
     */
    record AwaitRelease(String run, Instant since, Instant deadline) implements Step {
        public AwaitRelease {
            Objects.requireNonNull(run, "run");
        }
    }

    /**
     * Launched instances must become healthy (or running, without a port) before {@code deadline}, and stay so for
     * the policy's min-healthy-time, counted from {@code healthySince} (null while not all are healthy).
     */
    record AwaitReady(List<String> instances, Instant since, Instant deadline, Instant healthySince) implements Step {
        public AwaitReady {
            instances = List.copyOf(instances);
        }
    }

    /** Healthy instances were added to the routing table; waiting for the router to acknowledge it. */
    record AwaitRouted(List<String> instances, Instant since, Instant deadline) implements Step {
        public AwaitRouted {
            instances = List.copyOf(instances);
        }
    }

    /**
     * Instances were marked draining; waiting for the router to acknowledge that, then for their in-flight requests
     * to finish or {@code deadline} (the stop timeout), before they are told to stop.
     */
    record AwaitDrained(List<String> instances, Instant since, Instant deadline) implements Step {
        public AwaitDrained {
            instances = List.copyOf(instances);
        }
    }

    /** A new traffic split was asked for; waiting for the router to acknowledge it. */
    record AwaitWeights(Map<Integer, Integer> weights, Instant since, Instant deadline) implements Step {
        public AwaitWeights {
            weights = Map.copyOf(weights);
        }
    }

    /**
     * Traffic is split and the candidate bakes until {@code until} (null: until promoted, or, for an analysis step,
     * until there is enough traffic to judge), judged by {@code analysis} (null: no judgement) against the counts
     * of {@code baseline}, taken when the bake began. A bake that ran out of data without a verdict waits no longer
     * than {@code deadline}.
     */
    record Bake(Instant since, Instant until, Instant deadline, Analysis analysis,
            Map<Integer, GroupObservation> baseline, boolean analysisStep) implements Step {
        public Bake {
            baseline = Map.copyOf(baseline);
        }
    }

    /**
     * Traffic has switched; the old set stays warm, for an instant rollback, until {@code until}: blue-green's
     * {@code keep-old}, or, when {@code settling}, the short watch every other traffic-shifting deployment keeps over
     * its new set before it drains the old one (the policy's {@code watch}). Either way the new release's traffic since
     * {@code baseline} (the router's counts when it began) is judged, as in a bake. {@code extended}: as for
     * {@link Watch}, the short watch, or the watch at the start of keep-old, goes on until probes that had just failed
     * decide. {@code watched}: in keep-old, when its first {@code watch} ends, so that {@code deploy --wait} returns
     * only once the new release has been watched; null once it has (and when settling, which is all watch).
     */
    record KeepOld(Instant until, boolean settling, Map<Integer, GroupObservation> baseline, boolean extended,
            Instant watched) implements Step {
        public KeepOld {
            baseline = baseline == null ? Map.of() : Map.copyOf(baseline); // null: saved before it was kept
        }
    }

    /**
     * In place: every instance runs the new release and the old ones are gone; the new ones are watched with all the
     * traffic until {@code until} (the policy's {@code watch}) before the deployment is done, so that a release that
     * crashes seconds after its first passing probes, or answers errors to real requests while its health check
     * passes, is rolled back rather than declared serving. Its traffic since {@code baseline} is judged, as in a bake.
     * {@code extended}: at {@code until} an instance's latest probe had failed, and the watch goes on until its probes
     * decide (it passes again, or turns unhealthy and fails the deployment).
     */
    record Watch(Instant until, Map<Integer, GroupObservation> baseline, boolean extended) implements Step {
        public Watch {
            baseline = baseline == null ? Map.of() : Map.copyOf(baseline);
        }
    }

    /** Nothing left to do. */
    record Done() implements Step {}
}
