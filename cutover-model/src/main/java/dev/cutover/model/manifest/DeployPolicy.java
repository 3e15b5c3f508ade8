package dev.cutover.model.manifest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a release replaces the one before it: a strategy and its parameters, plus what every strategy shares.
 *
 * <p>Strategies fall into two families. In place ({@code all-at-once}, {@code rolling},
 * {@code rolling-with-additional-batch}): instances are replaced batch by batch and traffic follows the instances.
 * Traffic shifting ({@code immutable}, {@code blue-green}, {@code canary}, {@code linear}, {@code steps}): a full
 * candidate set is started next to the stable one, then traffic moves by weight, then the stable set is drained.
 *
 * @param strategy the strategy's name
 * @param stopTimeout how long a draining instance may keep in-flight requests, and the wait after each stop signal
 * @param deadline how long one step may take before the deployment fails
 * @param minHealthyTime how long a new instance must stay healthy before it counts
 * @param autoRollback roll back by itself when a step fails; when false, a failed deployment stops where it is
 * @param batch in place: instances replaced at once
 * @param surge rolling: start the new batch before stopping the old one
 * @param preview blue-green: the candidate is reachable at {@code APP-ENV-preview.DOMAIN} before the switch
 * @param approval blue-green: wait for {@code cutover promote} before the switch
 * @param keepOld blue-green: how long the old set stays warm after the switch, for an instant rollback
 * @param steps traffic shifting: the program, expanded from the preset for canary and linear
 * @param analysis the default judgement of bakes; null for none
 * @param watch how long the new release is watched with all traffic before the deployment is done: an instance that
 *     exits or turns unhealthy meanwhile fails it. Traffic shifting keeps the old set warm meanwhile (blue-green's
 *     {@code keep-old} stands in for it, lasting at least as long); null, in a policy saved before the key existed,
 *     is the default
 */
public record DeployPolicy(
        String strategy,
        Duration stopTimeout,
        Duration deadline,
        Duration minHealthyTime,
        boolean autoRollback,
        Batch batch,
        boolean surge,
        boolean preview,
        boolean approval,
        Duration keepOld,
        List<TrafficStep> steps,
        Analysis analysis,
        Duration watch) {

    public static final String ALL_AT_ONCE = "all-at-once";
    public static final String ROLLING = "rolling";
    public static final String ROLLING_WITH_ADDITIONAL_BATCH = "rolling-with-additional-batch";
    public static final String IMMUTABLE = "immutable";
    public static final String BLUE_GREEN = "blue-green";
    public static final String CANARY = "canary";
    public static final String LINEAR = "linear";
    public static final String STEPS = "steps";
    public static final List<String> STRATEGIES =
            List.of(ALL_AT_ONCE, ROLLING, ROLLING_WITH_ADDITIONAL_BATCH, IMMUTABLE, BLUE_GREEN, CANARY, LINEAR, STEPS);
    /** Named presets: strategy plus percent and interval. */
    public static final Map<String, String> PRESETS = Map.of(
            "canary-10-5m", CANARY, "canary-10-15m", CANARY, "linear-10-1m", LINEAR, "linear-10-3m", LINEAR);

    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(90);
    public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(10);
    /** The shortest {@code deploy.deadline} a manifest may ask for: below it no process starts and passes a probe. */
    public static final Duration MIN_DEADLINE = Duration.ofSeconds(1);
    public static final Duration DEFAULT_KEEP_OLD = Duration.ofMinutes(10);
    public static final Duration DEFAULT_WATCH = Duration.ofSeconds(5);
    public static final int DEFAULT_CANARY_PERCENT = 10;
    public static final Duration DEFAULT_CANARY_INTERVAL = Duration.ofMinutes(5);
    public static final int DEFAULT_LINEAR_PERCENT = 10;
    public static final Duration DEFAULT_LINEAR_INTERVAL = Duration.ofMinutes(1);

    /** The keys every strategy takes. */
    public static final Set<String> COMMON_KEYS =
            Set.of("strategy", "stop-timeout", "deadline", "min-healthy-time", "auto-rollback", "watch");

    public static final DeployPolicy DEFAULT = new DeployPolicy(ROLLING, DEFAULT_STOP_TIMEOUT, DEFAULT_DEADLINE,
            Duration.ZERO, true, Batch.ONE, true, false, false, Duration.ZERO, List.of(), null, DEFAULT_WATCH);

    public DeployPolicy {
        if (!STRATEGIES.contains(strategy)) {
            throw new ManifestException("deploy.strategy", strategy, "one of " + String.join(", ", STRATEGIES)
                    + ", or a preset: " + String.join(", ", new java.util.TreeSet<>(PRESETS.keySet())));
        }
        HealthSpec.requirePositive("deploy.stop-timeout", stopTimeout);
        HealthSpec.requirePositive("deploy.deadline", deadline);
        requireNotNegative("deploy.min-healthy-time", minHealthyTime);
        requireNotNegative("deploy.keep-old", keepOld);
        watch = watch == null ? DEFAULT_WATCH : watch;
        requireNotNegative("deploy.watch", watch);
        Objects.requireNonNull(batch, "batch");
        steps = List.copyOf(steps);
        if (strategy.equals(STEPS) && steps.isEmpty()) {
            throw new ManifestException("deploy.steps", null, "a list of steps, e.g. [{set-weight: 20}, {pause: 5m}]");
        }
    }

    /** Which keys besides the common ones the strategy takes. */
    public static Set<String> keysOf(String strategy) {
        return switch (strategy) {
            case ALL_AT_ONCE, IMMUTABLE -> Set.of();
            case ROLLING -> Set.of("batch", "surge");
            case ROLLING_WITH_ADDITIONAL_BATCH -> Set.of("batch");
            case BLUE_GREEN -> Set.of("preview", "approval", "keep-old");
            case CANARY, LINEAR -> Set.of("percent", "interval", "analysis");
            case STEPS -> Set.of("steps", "analysis");
            default -> throw new IllegalArgumentException("unknown strategy " + strategy);
        };
    }

    /**
     * How {@code cutover scale} moves: in place, all the difference in one batch, new instances before any old one
     * stops (so capacity never drops below the smaller of the two counts); the deadlines, stop timeout and
     * auto-rollback are this policy's. No watch at the end: the release is the one already serving.
     */
    public DeployPolicy forScaling() {
        return new DeployPolicy(ROLLING, stopTimeout, deadline, minHealthyTime, autoRollback, new Batch(0, 100), true,
                false, false, Duration.ZERO, List.of(), null, Duration.ZERO);
    }

    /** In place: instances are replaced where they stand, and traffic follows them. */
    public boolean inPlace() {
        return inPlace(strategy);
    }

    /** Whether {@code strategy} replaces instances where they stand, rather than shifting traffic to a new set. */
    public static boolean inPlace(String strategy) {
        return strategy.equals(ALL_AT_ONCE) || strategy.equals(ROLLING) || strategy.equals(ROLLING_WITH_ADDITIONAL_BATCH);
    }

    /** The canary program: {@code percent} for {@code interval}, then everything. */
    public static List<TrafficStep> canary(int percent, Duration interval) {
        if (percent < 1 || percent > 99) {
            throw new ManifestException("deploy.percent", percent, "an integer from 1 to 99");
        }
        HealthSpec.requirePositive("deploy.interval", interval);
        return List.of(new TrafficStep.SetWeight(percent), new TrafficStep.Pause(interval),
                new TrafficStep.SetWeight(100));
    }

    /** The linear program: {@code percent}, twice that, ... every {@code interval}, then everything. */
    public static List<TrafficStep> linear(int percent, Duration interval) {
        if (percent < 1 || percent > 50) {
            throw new ManifestException("deploy.percent", percent, "an integer from 1 to 50");
        }
        HealthSpec.requirePositive("deploy.interval", interval);
        List<TrafficStep> steps = new ArrayList<>();
        for (int w = percent; w < 100; w += percent) {
            steps.add(new TrafficStep.SetWeight(w));
            steps.add(new TrafficStep.Pause(interval));
        }
        steps.add(new TrafficStep.SetWeight(100));
        return steps;
    }

    private static void requireNotNegative(String field, Duration d) {
        if (d == null || d.isNegative()) {
            throw new ManifestException(field, d == null ? null : DurationText.format(d), "a duration, 0s or more");
        }
    }

    /**
     * How many instances an in-place strategy replaces at once: a count, or a percentage of the instances.
     */
    public record Batch(int count, int percent) {
        public static final Batch ONE = new Batch(1, 0);

        public Batch {
            if ((count > 0) == (percent > 0)) {
                throw new ManifestException("deploy.batch", count > 0 ? count : percent + "%",
                        "a count of at least 1 or a percentage from 1% to 100%");
            }
            if (percent > 100) {
                throw new ManifestException("deploy.batch", percent + "%", "a percentage from 1% to 100%");
            }
        }

        /** The batch size for {@code instances} instances: at least 1. */
        public int of(int instances) {
            int n = count > 0 ? count : (int) Math.ceil(instances * percent / 100.0);
            return Math.max(1, Math.min(n, Math.max(1, instances)));
        }

        @Override
        public String toString() {
            return count > 0 ? String.valueOf(count) : percent + "%";
        }
    }
}
