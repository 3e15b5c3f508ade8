package dev.cutover.agent.supervisor;

import dev.cutover.agent.process.Signal;
import dev.cutover.agent.process.SupervisedProcess;
import dev.cutover.model.manifest.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Stops a process group: each signal of the sequence goes to the whole group, followed by a wait of up to the stop
 * timeout for the group to be gone — its leader first, then any member the leader left behind (a shell's background
 * jobs ignore INT, for instance). If the group outlives the sequence, KILL. Blocking: run it on a virtual thread.
 */
final class StopSequence {

    /** After a KILL, how long to wait for the group to disappear (KILL cannot be caught; this is only a bound). */
    static final Duration KILL_WAIT = Duration.ofSeconds(10);
    static final long GROUP_POLL_MILLIS = 50;

    private StopSequence() {}

    /**
     * Returns whether the group is gone. {@code progress} hears each step as a reason, e.g.
     * {@code stopping: sent INT, waiting up to 90s}.
     */
    static boolean run(SupervisedProcess proc, List<Signal> signals, Duration timeout, Consumer<String> progress)
            throws InterruptedException {
        for (Signal signal : signals) {
            Duration wait = signal == Signal.KILL && timeout.compareTo(KILL_WAIT) < 0 ? KILL_WAIT : timeout;
            progress.accept("stopping: sent " + signal + ", waiting up to " + DurationText.format(wait));
            proc.signalGroup(signal);
            if (awaitGroupGone(proc, wait)) {
                return true;
            }
        }
        progress.accept("stopping: sent KILL after " + signals + ", waiting up to " + DurationText.format(KILL_WAIT));
        proc.signalGroup(Signal.KILL);
        return awaitGroupGone(proc, KILL_WAIT);
    }

    private static boolean awaitGroupGone(SupervisedProcess proc, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            proc.onExit().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            // an exit watcher that failed leaves us polling the group below
        }
        while (proc.groupAlive()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(GROUP_POLL_MILLIS);
        }
        return true;
    }
}
