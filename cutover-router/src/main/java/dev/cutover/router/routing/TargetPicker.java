package dev.cutover.router.routing;

import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Picks the target for a request: a group at random by weight, then the group's active target with the fewest
 * requests in flight, ties broken at random, skipping ejected targets while the group has others. Targets already
 * tried for this request are skipped, and so are groups
 * that have no untried target left, so a retry stays within the route but may change group.
 *
 * <p>Pure apart from reading the targets' in-flight counts; the random source is passed in.
 */
public final class TargetPicker {

    private TargetPicker() {}

    /** The target to try next, or {@code null} when every active target of the route was tried already. */
    public static LiveTarget pick(RouteEntry route, Set<LiveTarget> tried, RandomGenerator random) {
        RouteEntry.GroupEntry group = pickGroup(route, tried, random);
        return group == null ? null : pickTarget(group, tried, random);
    }

    /** The group to pick the next target from, or {@code null} when every active target was tried already. */
    public static RouteEntry.GroupEntry pickGroup(RouteEntry route, Set<LiveTarget> tried, RandomGenerator random) {
        long totalWeight = 0;
        for (RouteEntry.GroupEntry group : route.groups()) {
            if (hasUntried(group, tried)) {
                totalWeight += group.weight();
            }
        }
        if (totalWeight == 0) {
            return null;
        }
        long ticket = random.nextLong(totalWeight);
        for (RouteEntry.GroupEntry group : route.groups()) {
            if (!hasUntried(group, tried)) {
                continue;
            }
            ticket -= group.weight();
            if (ticket < 0) {
                return group;
            }
        }
        throw new IllegalStateException("weights changed while picking: " + route);
    }

    private static boolean hasUntried(RouteEntry.GroupEntry group, Set<LiveTarget> tried) {
        if (tried.isEmpty()) {
            return !group.targets().isEmpty();
        }
        for (LiveTarget target : group.targets()) {
            if (!tried.contains(target)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The untried target with the fewest requests in flight, leaving out ejected targets unless only ejected ones
     * are left untried: then the group fails open and they are tried rather than answering 503.
     */
    public static LiveTarget pickTarget(RouteEntry.GroupEntry group, Set<LiveTarget> tried, RandomGenerator random) {
        LiveTarget healthy = leastOutstanding(group, tried, random, false);
        return healthy != null ? healthy : leastOutstanding(group, tried, random, true);
    }

    private static LiveTarget leastOutstanding(RouteEntry.GroupEntry group, Set<LiveTarget> tried,
            RandomGenerator random, boolean includeEjected) {
        LiveTarget best = null;
        int bestInFlight = Integer.MAX_VALUE;
        int ties = 0;
        for (LiveTarget target : group.targets()) {
            if (tried.contains(target) || (!includeEjected && target.ejected())) {
                continue;
            }
            int inFlight = target.inFlight();
            if (inFlight < bestInFlight) {
                best = target;
                bestInFlight = inFlight;
                ties = 1;
            } else if (inFlight == bestInFlight && random.nextInt(++ties) == 0) {
                // Reservoir sampling: each of the tied targets ends up chosen with probability 1/ties.
                best = target;
            }
        }
        return best;
    }
}
