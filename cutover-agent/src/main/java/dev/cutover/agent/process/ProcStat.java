package dev.cutover.agent.process;

/**
 * The fields of {@code /proc/PID/stat} the agent uses.
 *
 * @param state one letter: R, S, D, Z (zombie), X (dead), T, ...
 * @param startTime field 22, clock ticks since boot: with the pid, it identifies a process across pid reuse
 */
public record ProcStat(int pid, char state, int ppid, int pgrp, int session, long startTime) {

    /** Whether the process has exited (zombie or dead) and only waits to be reaped. */
    public boolean exited() {
        return state == 'Z' || state == 'X';
    }
}
