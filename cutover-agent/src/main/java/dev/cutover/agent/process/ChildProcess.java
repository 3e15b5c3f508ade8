package dev.cutover.agent.process;

import java.util.concurrent.CompletableFuture;

/** A process this JVM started: the JDK reaps it and hands us its exit value. */
final class ChildProcess implements SupervisedProcess {

    private final Process process;
    private final long startTime;
    private final CompletableFuture<ExitStatus> exit;

    ChildProcess(Process process, long startTime) {
        this.process = process;
        this.startTime = startTime;
        this.exit = process.onExit().thenApply(p -> ExitStatus.fromExitValue(p.exitValue()));
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
