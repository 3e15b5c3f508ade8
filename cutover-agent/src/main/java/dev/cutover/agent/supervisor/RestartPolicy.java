package dev.cutover.agent.supervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.random.RandomGenerator;

/**
 * When to restart an instance that exited unexpectedly: exponential backoff with jitter, from {@link #INITIAL}
 * doubling up to {@link #MAX}; a crash loop once {@link #CRASH_EXITS} exits fall within {@link #CRASH_WINDOW}, whether
 * or not the instance passed its health checks in between (an app that crashes a few seconds after each healthy start
 * is crash looping too); everything forgotten once it has stayed up for {@link #STABLE_AFTER}.
 * Pure: time comes in as arguments, randomness from the injected generator. Not thread-safe.
 */
final class RestartPolicy {

    static final Duration INITIAL = Duration.ofMillis(200);
    static final Duration MAX = Duration.ofSeconds(30);
    static final Duration CRASH_WINDOW = Duration.ofSeconds(60);
    static final Duration STABLE_AFTER = Duration.ofSeconds(60);
    static final int CRASH_EXITS = 3;

    /** @param delay how long to wait before the restart; {@code recentExits} counts this exit */
    record Decision(Duration delay, boolean crashLooping, int recentExits) {}

    private final RandomGenerator random;
    private final Deque<Instant> exits = new ArrayDeque<>();
    private int attempt;

    RestartPolicy(RandomGenerator random) {
        this.random = random;
    }

    Decision onExit(Instant now) {
        exits.addLast(now);
        while (!exits.isEmpty() && exits.peekFirst().isBefore(now.minus(CRASH_WINDOW))) {
            exits.removeFirst();
        }
        long base = Math.min(MAX.toMillis(), INITIAL.toMillis() << Math.min(attempt, 20));
        attempt++;
        // ±20% so that instances that died together do not come back in lockstep.
        long jittered = Math.min(MAX.toMillis(), Math.round(base * (0.8 + 0.4 * random.nextDouble())));
        return new Decision(Duration.ofMillis(jittered), exits.size() >= CRASH_EXITS, exits.size());
    }

    /** Called while the instance runs (healthy or, without a port, running) since {@code since}. */
    void up(Instant since, Instant now) {
        if (!since.plus(STABLE_AFTER).isAfter(now)) {
            attempt = 0;
            exits.clear();
        }
    }

    int attempt() {
        return attempt;
    }
}
