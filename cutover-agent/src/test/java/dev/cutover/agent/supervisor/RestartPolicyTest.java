package dev.cutover.agent.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {

    static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");

    /** Jitter at its midpoint: delays are exactly the base. */
    RestartPolicy policy() {
        return new RestartPolicy(new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return 0.5;
            }
        });
    }

    @Test
    void delaysDoubleFrom200msUpTo30s() {
        RestartPolicy p = policy();
        Instant t = T0;
        long[] expected = {200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000};
        for (long ms : expected) {
            t = t.plusSeconds(61); // far apart: no crash loop
            assertThat(p.onExit(t).delay()).isEqualTo(Duration.ofMillis(ms));
        }
    }

    @Test
    void jitterStaysWithinTwentyPercent() {
        RestartPolicy low = new RestartPolicy(new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return 0.0;
            }
        });
        assertThat(low.onExit(T0).delay()).isEqualTo(Duration.ofMillis(160));
    }

    @Test
    void threeExitsWithinAMinuteAreACrashLoop() {
        RestartPolicy p = policy();

        assertThat(p.onExit(T0).crashLooping()).isFalse();
        assertThat(p.onExit(T0.plusSeconds(10)).crashLooping()).isFalse();
        RestartPolicy.Decision third = p.onExit(T0.plusSeconds(20));

        assertThat(third.crashLooping()).isTrue();
        assertThat(third.recentExits()).isEqualTo(3);
    }

    @Test
    void exitsOlderThanAMinuteDoNotCount() {
        RestartPolicy p = policy();
        p.onExit(T0);
        p.onExit(T0.plusSeconds(10));

        assertThat(p.onExit(T0.plusSeconds(71)).crashLooping()).isFalse();
    }

    @Test
    void exitsCountTowardACrashLoopWhateverTheInstanceDidInBetweenUnlessItStayedUpAMinute() {
        RestartPolicy p = policy();
        p.onExit(T0);
        p.up(T0.plusSeconds(1), T0.plusSeconds(5)); // healthy for a few seconds, as an app that crashes later is
        p.onExit(T0.plusSeconds(5));
        p.up(T0.plusSeconds(6), T0.plusSeconds(10));

        RestartPolicy.Decision d = p.onExit(T0.plusSeconds(10));
        assertThat(d.crashLooping()).isTrue();
        assertThat(d.delay()).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void aMinuteUpResetsTheBackoff() {
        RestartPolicy p = policy();
        p.onExit(T0);
        p.onExit(T0.plusSeconds(1));

        p.up(T0.plusSeconds(2), T0.plusSeconds(61));
        assertThat(p.attempt()).isEqualTo(2);
        p.up(T0.plusSeconds(2), T0.plusSeconds(62));

        assertThat(p.attempt()).isZero();
        assertThat(p.onExit(T0.plusSeconds(63)).delay()).isEqualTo(Duration.ofMillis(200));
    }
}
