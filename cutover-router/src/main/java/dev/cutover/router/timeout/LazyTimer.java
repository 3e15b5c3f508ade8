package dev.cutover.router.timeout;

import io.netty.channel.EventLoop;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deadline for a connection, cheap to move. Scheduling a task per request (and cancelling it when the response
 * comes) costs a task object and two priority-queue operations on the event loop every time; most deadlines are
 * never reached. Here, moving the deadline later is a field write: the task already scheduled fires at the old time,
 * sees the deadline moved, and schedules itself again for the new one. Only a deadline earlier than the scheduled
 * task needs a new task.
 *
 * <p>Threads: confined to its event loop, like the connection that owns it.
 */
public final class LazyTimer {

    private static final long DISARMED = Long.MAX_VALUE;

    private final EventLoop loop;
    private final Runnable onExpiry;
    private final Runnable check = this::check;
    private long deadline = DISARMED;
    private ScheduledFuture<?> task;
    private long taskAt;

    /** @param onExpiry run on the loop when an armed deadline passes; the timer is disarmed first */
    public LazyTimer(EventLoop loop, Runnable onExpiry) {
        this.loop = loop;
        this.onExpiry = onExpiry;
    }

    /** Expires {@code nanos} from now (on the {@link System#nanoTime()} clock) unless moved or disarmed first. */
    public void armIn(long nanos) {
        arm(System.nanoTime() + nanos);
    }

    public void arm(long deadlineNanos) {
        deadline = deadlineNanos;
        if (task == null || taskAt - deadlineNanos > 0) {
            schedule(deadlineNanos);
        }
    }

    /** No deadline; the task already scheduled, if any, fires and finds nothing to do. */
    public void disarm() {
        deadline = DISARMED;
    }

    public boolean armed() {
        return deadline != DISARMED;
    }

    /** Cancels the scheduled task for good: the owner is closing. */
    public void cancel() {
        deadline = DISARMED;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void schedule(long at) {
        if (task != null) {
            task.cancel(false);
        }
        taskAt = at;
        try {
            task = loop.schedule(check, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            task = null; // the loop is shutting down: nothing will time out any more
        }
    }

    private void check() {
        task = null;
        if (deadline == DISARMED) {
            return;
        }
        if (System.nanoTime() - deadline >= 0) {
            deadline = DISARMED;
            onExpiry.run();
        } else {
            schedule(deadline);
        }
    }
}
