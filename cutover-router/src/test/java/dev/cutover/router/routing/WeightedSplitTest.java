package dev.cutover.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The split of picks across groups converges to their weights, whatever the weights. */
class WeightedSplitTest {

    private static final int PICKS = 40_000;

    @Property(tries = 100)
    void theObservedSplitConvergesToTheWeights(
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 1000) Integer> weights,
            @ForAll long seed) {
        int total = weights.stream().mapToInt(Integer::intValue).sum();
        List<RouteEntry.GroupEntry> groups = new ArrayList<>();
        for (int g = 0; g < weights.size(); g++) {
            LiveTarget target = new LiveTarget("t" + g, "127.0.0.1", 1000 + g, LiveTarget.Lifecycle.ACTIVE);
            if (weights.get(g) > 0) {
                groups.add(new RouteEntry.GroupEntry("g" + g, weights.get(g), List.of(target)));
            }
        }
        RouteEntry route = new RouteEntry("app/env", "/", groups);
        SplittableRandom random = new SplittableRandom(seed);
        int[] counts = new int[weights.size()];
        for (int i = 0; i < PICKS; i++) {
            RouteEntry.GroupEntry picked = TargetPicker.pickGroup(route, new TriedTargets(), random);
            if (picked == null) {
                assertThat(total).as("only a route without weight picks nothing").isZero();
                return;
            }
            counts[Integer.parseInt(picked.name().substring(1))]++;
        }
        for (int g = 0; g < weights.size(); g++) {
            double expected = (double) weights.get(g) / total;
            double observed = (double) counts[g] / PICKS;
            // Four standard deviations of a binomial share over PICKS picks: a false alarm is far rarer than 1 in 10^4.
            double tolerance = 4 * Math.sqrt(expected * (1 - expected) / PICKS) + 1e-9;
            assertThat(observed).as("group %d of weights %s", g, weights).isCloseTo(expected,
                    org.assertj.core.api.Assertions.within(tolerance));
        }
    }
}
