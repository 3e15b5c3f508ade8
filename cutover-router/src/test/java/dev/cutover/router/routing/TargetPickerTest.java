package dev.cutover.router.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class TargetPickerTest {

    /** Groups at weight 0 stand by: picked only when no group with a weight has an untried target. */
    @Property
    void picksOnlyUntriedTargetsOfGroupsWithWeightThenOfThoseStandingBy(
            @ForAll @Size(min = 1, max = 5) List<@IntRange(min = 0, max = 100) Integer> weights,
            @ForAll @IntRange(min = 1, max = 3) int targetsPerGroup,
            @ForAll @IntRange(min = 0, max = 15) int alreadyTried,
            @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<RouteEntry.GroupEntry> groups = new ArrayList<>();
        List<RouteEntry.GroupEntry> standby = new ArrayList<>();
        List<LiveTarget> all = new ArrayList<>();
        for (int g = 0; g < weights.size(); g++) {
            List<LiveTarget> targets = new ArrayList<>();
            for (int t = 0; t < targetsPerGroup; t++) {
                LiveTarget target = new LiveTarget("g" + g + "t" + t, "127.0.0.1", 1000 + g * 10 + t,
                        LiveTarget.Lifecycle.ACTIVE);
                targets.add(target);
                all.add(target);
            }
            (weights.get(g) > 0 ? groups : standby).add(new RouteEntry.GroupEntry("g" + g, weights.get(g), targets));
        }
        RouteEntry route = new RouteEntry("app/env", "/", groups, standby);
        Set<LiveTarget> tried = new HashSet<>(all.subList(0, Math.min(alreadyTried, all.size())));

        LiveTarget picked = TargetPicker.pick(route, TriedTargets.of(tried), random);

        List<LiveTarget> weighted = untried(groups, tried);
        List<LiveTarget> eligible = weighted.isEmpty() ? untried(standby, tried) : weighted;
        if (eligible.isEmpty()) {
            assertThat(picked).isNull();
        } else {
            assertThat(eligible).contains(picked);
        }
    }

    private static List<LiveTarget> untried(List<RouteEntry.GroupEntry> groups, Set<LiveTarget> tried) {
        return groups.stream().flatMap(g -> g.targets().stream()).filter(t -> !tried.contains(t)).toList();
    }

    @Property
    void prefersTheTargetWithFewestRequestsInFlight(@ForAll @IntRange(min = 1, max = 5) int busy,
            @ForAll long seed) {
        LiveTarget loaded = new LiveTarget("loaded", "127.0.0.1", 1001, LiveTarget.Lifecycle.ACTIVE);
        LiveTarget quiet = new LiveTarget("quiet", "127.0.0.1", 1002, LiveTarget.Lifecycle.ACTIVE);
        for (int i = 0; i < busy; i++) {
            loaded.tryStartRequest();
        }
        RouteEntry route = new RouteEntry("app/env", "/",
                List.of(new RouteEntry.GroupEntry("v1", 1, List.of(loaded, quiet))));

        assertThat(TargetPicker.pick(route, new TriedTargets(), new SplittableRandom(seed))).isSameAs(quiet);
    }
}
