package dev.cutover.engine.rollout;

import dev.cutover.model.manifest.DeployPolicy;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Not part of the suite (its name matches no test pattern); {@code bench/engine.sh} runs it. Drives 10,000
 * instances on 1,000 simulated hosts through a rolling deploy (batch 1%, surge) to completion on the manual clock
 * and prints the CPU time, the memory and the time per reconcile tick. Asserts only that the deploy completes.
 */
class FleetBench {

    private static final int HOSTS = 1_000;
    private static final int INSTANCES = 10_000;

    @Test
    void rollingDeployOfTenThousandInstances() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 1; round <= 3; round++) {
            System.gc();
            long heapBefore = usedHeap();
            SimulatedFleet fleet = new SimulatedFleet(round, 1, 3);
            for (int i = 0; i < INSTANCES; i++) {
                fleet.running("h" + (i % HOSTS) + "-i" + i, 1);
            }
            DeployPolicy policy = new DeployPolicy(DeployPolicy.ROLLING, Duration.ofSeconds(30), Duration.ofMinutes(10),
                    Duration.ZERO, true, new DeployPolicy.Batch(0, 1), true, false, false, Duration.ZERO, List.of(),
                    null, Duration.ZERO);
            RolloutSpec spec = new RolloutSpec(new ReleaseShape(2, Map.of("web", INSTANCES)),
                    new ReleaseShape(1, Map.of("web", INSTANCES)), policy);
            RolloutState state = RolloutState.start(1, fleet.now);
            long cpu0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            long slowest = 0;
            int ticks = 0;
            while (!state.phase().finished() && ticks < 100_000) {
                long t0 = System.nanoTime();
                Plan plan = Planner.plan(spec, state, List.copyOf(fleet.store.values()), fleet.observe(false));
                slowest = Math.max(slowest, System.nanoTime() - t0);
                fleet.apply(plan, spec);
                state = plan.next();
                fleet.advance();
                ticks++;
            }
            long cpu = threads.getCurrentThreadCpuTime() - cpu0;
            long wall = System.nanoTime() - wall0;
            long heapAfter = usedHeap();
            if (state.phase() != Phase.SUCCEEDED || !fleet.violations.isEmpty()) {
                throw new AssertionError("the deploy did not complete: " + state.phase() + " " + fleet.violations);
            }
            System.out.printf(Locale.ROOT, "round %d: %d hosts, %d instances, rolling batch 1%%: %d ticks (%d simulated"
                            + " seconds); CPU %.2fs (planner and simulated fleet), wall %.2fs; per tick mean %.2fms,"
                            + " slowest %.2fms; heap in use %.0f MiB after vs %.0f MiB before%n", round, HOSTS,
                    INSTANCES, ticks, fleet.tick, cpu / 1e9, wall / 1e9, wall / 1e6 / ticks, slowest / 1e6,
                    heapAfter / 1048576.0, heapBefore / 1048576.0);
        }
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
