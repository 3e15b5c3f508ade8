package dev.cutover.router.routing;

import java.util.Arrays;
import java.util.Collection;

/**
 * The targets one request has tried, so that a retry goes elsewhere. Nearly every request tries one target, so
 * the first is a field and only a retry allocates.
 *
 * <p>Threads: one per request, touched by its event loop.
 */
public final class TriedTargets {

    private LiveTarget first;
    private LiveTarget[] more;
    private int moreCount;

    public static TriedTargets of(Collection<LiveTarget> targets) {
        TriedTargets tried = new TriedTargets();
        targets.forEach(tried::add);
        return tried;
    }

    public boolean isEmpty() {
        return first == null && moreCount == 0;
    }

    public boolean contains(LiveTarget target) {
        if (first == target) {
            return true;
        }
        for (int i = 0; i < moreCount; i++) {
            if (more[i] == target) {
                return true;
            }
        }
        return false;
    }

    public void add(LiveTarget target) {
        if (contains(target)) {
            return;
        }
        if (first == null) {
            first = target;
            return;
        }
        if (more == null) {
            more = new LiveTarget[4];
        } else if (moreCount == more.length) {
            more = Arrays.copyOf(more, more.length * 2);
        }
        more[moreCount++] = target;
    }

    /** Lets the target be tried again (a stale pooled connection is not the target's fault). */
    public void remove(LiveTarget target) {
        if (first == target) {
            first = null;
            return;
        }
        for (int i = 0; i < moreCount; i++) {
            if (more[i] == target) {
                more[i] = more[--moreCount];
                more[moreCount] = null;
                return;
            }
        }
    }
}
