package dev.cutover.agent.process;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A process an earlier agent started. It is not our child (or its {@link Process} object belongs to someone else), so
 * its exit is noticed by polling {@code /proc}, and it counts as the same process only while its start time matches.
 */
final class AdoptedProcess implements SupervisedProcess {

    static final long POLL_MILLIS = 200;

    private final long pid;
    private final long startTime;
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private final ScheduledFuture<?> poll;

    AdoptedProcess(long pid, long startTime, ScheduledExecutorService scheduler) {
        this.pid = pid;
        this.startTime = startTime;
        this.poll = scheduler.scheduleWithFixedDelay(this::check, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        exit.whenComplete((s, e) -> poll.cancel(false));
    }

    private void check() {
        if (!alive()) {
            exit.complete(new ExitStatus.Unknown());
        }
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public long startTime() {
        return startTime;
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        return exit;
    }

    @Override
    public boolean alive() {
        return ProcFs.stat(pid).filter(s -> s.startTime() == startTime && !s.exited()).isPresent();
    }

    @Override
    public String toString() {
        return "adopted pid " + pid;
    }
}
