package dev.cutover.router.routing;

import java.util.random.RandomGenerator;

/**
 * Picks the target for a request: a group at random by weight, then within the group, by the route's
 * {@link dev.cutover.model.routing.Balance}: the active target with the fewest requests in flight (ties broken at
 * random), or the next in turn; skipping ejected targets while the group has others. Targets already
 * tried for this request are skipped, and so are groups
 * that have no untried target left, so a retry stays within the route but may change group. When no group with a
 * weight has an untried target left, a group at weight 0 takes the request (a warm standby, such as blue-green's old
 * set in keep-old, when the new set's processes all died at once), rather than a 502.
 *
 * <p>Pure apart from reading the targets' in-flight counts; the random source is passed in.
 */
public final class TargetPicker {

    private TargetPicker() {}

    /** The target to try next, or {@code null} when every active target of the route was tried already. */
    public static LiveTarget pick(RouteEntry route, TriedTargets tried, RandomGenerator random) {
        RouteEntry.GroupEntry group = pickGroup(route, tried, random);
        return group == null ? null : pickTarget(group, tried, random);
    }

    /** The group to pick the next target from, or {@code null} when every active target was tried already. */
    public static RouteEntry.GroupEntry pickGroup(RouteEntry route, TriedTargets tried, RandomGenerator random) {
        long totalWeight = 0;
        for (RouteEntry.GroupEntry group : route.groups()) {
            if (hasUntried(group, tried)) {
                totalWeight += group.weight();
            }
        }
        if (totalWeight == 0) {
            return standby(route, tried, random);
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

    /** A group at weight 0 with an untried target, at random; {@code null} when there is none. */
    private static RouteEntry.GroupEntry standby(RouteEntry route, TriedTargets tried, RandomGenerator random) {
        RouteEntry.GroupEntry chosen = null;
        int seen = 0;
        for (RouteEntry.GroupEntry group : route.standby()) {
            if (hasUntried(group, tried) && random.nextInt(++seen) == 0) {
                chosen = group;
            }
        }
        return chosen;
    }

    private static boolean hasUntried(RouteEntry.GroupEntry group, TriedTargets tried) {
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
    public static LiveTarget pickTarget(RouteEntry.GroupEntry group, TriedTargets tried, RandomGenerator random) {
        if (group.roundRobin()) {
            LiveTarget healthy = nextInTurn(group, tried, false);
            return healthy != null ? healthy : nextInTurn(group, tried, true);
        }
        LiveTarget healthy = leastOutstanding(group, tried, random, false);
        return healthy != null ? healthy : leastOutstanding(group, tried, random, true);
    }

    /** Round robin: the untried target after the one picked last time, in the group's order. */
    private static LiveTarget nextInTurn(RouteEntry.GroupEntry group, TriedTargets tried, boolean includeEjected) {
        int n = group.targets().size();
        int start = Math.floorMod(group.turn().getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            LiveTarget target = group.targets().get((start + i) % n);
            if (!tried.contains(target) && (includeEjected || !target.ejected())) {
                return target;
            }
        }
        return null;
    }

    private static LiveTarget leastOutstanding(RouteEntry.GroupEntry group, TriedTargets tried,
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
