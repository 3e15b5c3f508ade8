package dev.cutover.agent.health;

import dev.cutover.model.manifest.HealthSpec;

/**
 * Turns consecutive probe results into health, per {@link HealthSpec}'s thresholds.
 *
 * <pre>
 *  STARTING ──healthyThreshold passes──▶ HEALTHY ──unhealthyThreshold failures──▶ UNHEALTHY
 *                                          ▲                                          │
 *                                          └──────────healthyThreshold passes─────────┘
 * </pre>
 *
 * Not thread-safe: confined to the owning instance's lock.
 */
public final class HealthCounter {

    public enum Health {
        STARTING,
        HEALTHY,
        UNHEALTHY
    }

    private final int healthyThreshold;
    private final int unhealthyThreshold;
    private Health health;
    private int passes;
    private int failures;

    public HealthCounter(HealthSpec spec, Health initial) {
        this.healthyThreshold = spec.healthyThreshold();
        this.unhealthyThreshold = spec.unhealthyThreshold();
        this.health = initial;
    }

    /** Counts one result; returns the health after it. */
    public Health observe(boolean passed) {
        if (passed) {
            passes++;
            failures = 0;
            if (health != Health.HEALTHY && passes >= healthyThreshold) {
                health = Health.HEALTHY;
            }
        } else {
            failures++;
            passes = 0;
            if (health == Health.HEALTHY && failures >= unhealthyThreshold) {
                health = Health.UNHEALTHY;
            }
        }
        return health;
    }

    public Health health() {
        return health;
    }

    public int consecutivePasses() {
        return passes;
    }

    public int consecutiveFailures() {
        return failures;
    }
}
