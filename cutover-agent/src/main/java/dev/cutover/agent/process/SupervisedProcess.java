package dev.cutover.agent.process;

import java.util.concurrent.CompletableFuture;

/** A running instance process that leads its own process group: one the agent started, or one it adopted. */
public interface SupervisedProcess {

    /** The pid, which is also the process group id. */
    long pid();

    /** {@code /proc/PID/stat} field 22, which tells this process apart from a later one reusing its pid. */
    long startTime();

    /** Completes once the group leader has exited. */
    CompletableFuture<ExitStatus> onExit();

    boolean alive();

    /** Whether the leader or any other member of its process group is still running. */
    default boolean groupAlive() {
        return alive() || ProcFs.groupAlive(pid());
    }

    /**
     * Sends {@code signal} to the whole process group. Returns false when the group is already gone. A group is
     * signalled only while its leader is this very process or the group still has members: a pid that was reused
     * for another process is never signalled.
     */
    default boolean signalGroup(Signal signal) {
        if (!groupAlive()) {
            return false;
        }
        return Posix.killGroup(pid(), signal);
    }
}
