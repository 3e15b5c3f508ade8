package dev.cutover.model.manifest;

import java.time.Duration;
import java.util.List;

/**
 * How a release replaces the one before it.
 *
 * @param strategy the strategy's name; this version implements {@code rolling}
 * @param stopTimeout how long a draining instance may keep its in-flight requests, and the wait after each stop
 *                    signal before the next
 * @param deadline how long one step may take before the deployment fails (e.g. a new instance becoming healthy)
 */
public record DeployPolicy(String strategy, Duration stopTimeout, Duration deadline) {

    public static final String ROLLING = "rolling";
    public static final List<String> STRATEGIES = List.of(ROLLING);
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(90);
    public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(10);
    public static final DeployPolicy DEFAULT = new DeployPolicy(ROLLING, DEFAULT_STOP_TIMEOUT, DEFAULT_DEADLINE);

    public DeployPolicy {
        if (!STRATEGIES.contains(strategy)) {
            throw new ManifestException("deploy.strategy", strategy, String.join(" or ", STRATEGIES)
                    + "; the other strategies of the design are not available in this version");
        }
        HealthSpec.requirePositive("deploy.stop-timeout", stopTimeout);
        HealthSpec.requirePositive("deploy.deadline", deadline);
    }

    public DeployPolicy withStrategy(String name) {
        return new DeployPolicy(name, stopTimeout, deadline);
    }
}
