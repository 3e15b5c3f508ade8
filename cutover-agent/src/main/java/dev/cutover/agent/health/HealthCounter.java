package dev.cutover.agent.health;

import dev.cutover.model.manifest.HealthSpec;

/**
 * Turns consecutive probe results into health, per {@link HealthSpec}'s thresholds.
 *
 * <pre>
 *  STARTING ──healthyThreshold passes──▶ HEALTHY ──unhealthyThreshold failures──▶ UNHEALTHY
 *     │                                    ▲                                          │ ▲
 *     │                                    └──────────healthyThreshold passes─────────┘ │
 *     └──unhealthyThreshold failures counted after the start period (only with one)─────┘
 * </pre>
 *
 * Without a start period, failures while starting never count: an instance starts for as long as it takes.
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
    private final boolean hasStartPeriod;
    private Health health;
    private int passes;
    private int failures;

    public HealthCounter(HealthSpec spec, Health initial) {
        this.healthyThreshold = spec.healthyThreshold();
        this.unhealthyThreshold = spec.unhealthyThreshold();
        this.hasStartPeriod = spec.startPeriod() != null;
        this.health = initial;
    }

    /** Counts one result outside any start period; returns the health after it. */
    public Health observe(boolean passed) {
        return observe(passed, false);
    }

    /**
     * Counts one result; a failure {@code inStartPeriod} is not counted at all. Returns the health after it.
     */
    public Health observe(boolean passed, boolean inStartPeriod) {
        if (!passed && inStartPeriod) {
            return health;
        }
        if (passed) {
            passes++;
            failures = 0;
            if (health != Health.HEALTHY && passes >= healthyThreshold) {
                health = Health.HEALTHY;
            }
        } else {
            failures++;
            passes = 0;
            boolean counts = health == Health.HEALTHY || (health == Health.STARTING && hasStartPeriod);
            if (counts && failures >= unhealthyThreshold) {
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
