package dev.cutover.agent.supervisor;

import dev.cutover.agent.process.GroupMembers;
import dev.cutover.agent.process.Signal;
import dev.cutover.agent.process.Strays;
import dev.cutover.agent.process.SupervisedProcess;
import dev.cutover.model.manifest.DurationText;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a process group: each signal of the sequence goes to the whole group, followed by a wait of up to the stop
 * timeout for the group to be gone — its leader first, then any member the leader left behind (a shell's background
 * jobs ignore INT, for instance). If the group outlives the sequence, KILL. Blocking: run it on a virtual thread.
 */
final class StopSequence {

    private static final Logger log = LoggerFactory.getLogger(StopSequence.class);

    /** After a KILL, how long to wait for the group to disappear (KILL cannot be caught; this is only a bound). */
    static final Duration KILL_WAIT = Duration.ofSeconds(10);
    static final long GROUP_POLL_MILLIS = 50;
    /** The least wait after a signal sent late in a sequence adopted from an agent that went. */
    static final Duration SENT_LATE_WAIT = Duration.ofSeconds(1);

    private StopSequence() {}

    /**
     * How a stop went.
     *
     * @param by the signal after which the group was gone; null when it survived KILL
     * @param ignored the first signal the group outlived that members of it ignore; null when none did
     * @param ignoring who ignored it ({@code pid 4068 (python3 app.py)}); null when no one did
     */
    record Stopped(Signal by, Signal ignored, String ignoring) {}

    /**
     * Stops the group. {@code progress} hears each step as a reason, e.g. {@code stopping: sent INT, waiting up to
     * 90s}.
     *
     * @param already how long ago the sequence began (an agent adopting a process that was stopping when the one
     *     before it went): the steps whose waits have passed are over; the first signal was sent then and is not
     *     sent again, a later one is sent now, and its wait is what is left of it
     */
    static Stopped run(SupervisedProcess proc, List<Signal> signals, Duration timeout, Duration already,
            Consumer<String> progress) throws InterruptedException {
        Duration past = already;
        Signal ignored = null;
        String ignoring = null;
        for (int i = 0; i < signals.size(); i++) {
            Signal signal = signals.get(i);
            Duration wait = signal == Signal.KILL && timeout.compareTo(KILL_WAIT) < 0 ? KILL_WAIT : timeout;
            if (past.compareTo(wait) >= 0 && i < signals.size() - 1) {
                past = past.minus(wait); // this step's wait passed while no agent ran
                continue;
            }
            Duration left = past.compareTo(wait) >= 0 ? Duration.ZERO : wait.minus(past);
            if (i == 0 && !past.isZero()) {
                progress.accept("stopping: " + signal + " sent " + seconds(past) + " ago, waiting up to "
                        + seconds(left) + " more");
            } else {
                // a signal sent now gets a moment to act on, however late the sequence is
                Duration least = wait.compareTo(SENT_LATE_WAIT) < 0 ? wait : SENT_LATE_WAIT;
                left = left.compareTo(least) < 0 ? least : left;
                progress.accept("stopping: sent " + signal + ", waiting up to " + DurationText.format(left));
                proc.signalGroup(signal);
            }
            past = Duration.ZERO;
            if (awaitGroupGone(proc, left)) {
                return new Stopped(signal, ignored, ignoring);
            }
            if (ignoring == null && signal != Signal.KILL) {
                List<Strays.Stray> deaf = GroupMembers.ignoring(proc.pid(), signal);
                if (!deaf.isEmpty()) {
                    ignored = signal;
                    ignoring = Strays.describe(deaf);
                }
            }
        }
        progress.accept("stopping: sent KILL after " + signals + ", waiting up to " + DurationText.format(KILL_WAIT));
        proc.signalGroup(Signal.KILL);
        return new Stopped(awaitGroupGone(proc, KILL_WAIT) ? Signal.KILL : null, ignored, ignoring);
    }

    /**
     * Runs the sequence on the calling (virtual) thread and tells its owner how it went: each step through
     * {@code progress}, the end through {@code done} (which signal stopped it and when, and which did not: an app
     * that outlives its stop signal loses its in-flight work to KILL); a failure to signal is logged with
     * {@code what} and reported as progress. Interrupted (the agent is closing), it just stops: the next agent
     * adopts the process.
     */
    static void runFor(String what, SupervisedProcess proc, List<Signal> signals, Duration timeout, Duration already,
            Consumer<String> progress, Consumer<String> done) {
        long start = System.nanoTime() - already.toNanos();
        try {
            Stopped stopped = run(proc, signals, timeout, already, progress);
            done.accept(ending(proc, signals, timeout, stopped, Duration.ofNanos(System.nanoTime() - start)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("{}: stop failed", what, e);
            progress.accept("stopping: failed: " + e.getMessage());
        }
    }

    static String ending(SupervisedProcess proc, List<Signal> signals, Duration timeout, Stopped stopped,
            Duration took) {
        Signal last = stopped.by();
        if (last == null) {
            return "stopped, but process group " + proc.pid() + " survived KILL";
        }
        String after = "stopped by " + last + " after " + seconds(took);
        int index = signals.indexOf(last);
        List<Signal> outlived = index < 0 ? signals : signals.subList(0, index);
        if (outlived.isEmpty()) {
            return after;
        }
        String each = after + ": it outlived " + String.join(", ", outlived.stream().map(Signal::name).toList())
                + " (" + DurationText.format(timeout) + " each";
        if (stopped.ignoring() == null) {
            return each + "; handle " + outlived.getFirst() + " in the app, or raise deploy.stop-timeout)";
        }
        Signal deaf = stopped.ignored();
        String what = stopped.ignoring() + (stopped.ignoring().contains("; ") ? " ignore " : " ignores ") + deaf;
        return each + "): " + what + "; handle " + deaf + " in the app, or put "
                + (deaf == Signal.INT || deaf == Signal.QUIT
                        ? "TERM first in stop-signals (if a shell started it in the background with &, it started "
                                + "with INT and QUIT ignored: start the app in the foreground, with exec)"
                        : "a signal it handles first in stop-signals");
    }

    /** {@code 0.2s}: how long a stop, a backoff or a wait took, in the reasons an instance reports. */
    static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
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
