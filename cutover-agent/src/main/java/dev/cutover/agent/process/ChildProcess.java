package dev.cutover.agent.process;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/** A process this JVM started: the JDK reaps it and hands us its exit value. */
final class ChildProcess implements SupervisedProcess {

    /**
     * Where what follows an exit runs. {@link Process#onExit()} completes on the common fork-join pool, which has a
     * single thread on a 2-CPU machine (and CompletableFuture uses it even then, since JDK 25): a handler that ran
     * there and took its time (deleting an exec's working directory, say) would hold up the exit of every other
     * process of this JVM. Handed on at once, it holds up none.
     */
    private static final Executor AFTER_EXIT =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cutover-process-exit-", 0).factory());

    private final Process process;
    private final long startTime;
    private final CompletableFuture<ExitStatus> exit;

    ChildProcess(Process process, long startTime) {
        this.process = process;
        this.startTime = startTime;
        this.exit = process.onExit().thenApplyAsync(p -> ExitStatus.fromExitValue(p.exitValue()), AFTER_EXIT);
    }

    @Override
    public long pid() {
        return process.pid();
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
        return process.isAlive();
    }

    @Override
    public String toString() {
        return "pid " + pid();
    }
}
