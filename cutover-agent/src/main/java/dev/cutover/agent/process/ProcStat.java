package dev.cutover.agent.process;

/**
 * The fields of {@code /proc/PID/stat} the agent uses.
 *
 * @param state one letter: R, S, D, Z (zombie), X (dead), T, ...
 * @param startTime field 22, clock ticks since boot: with the pid, it identifies a process across pid reuse
 * @param cpuTicks fields 14 and 15, user and system CPU time in clock ticks
 * @param rssPages field 24, resident set size in pages
 */
public record ProcStat(int pid, char state, int ppid, int pgrp, int session, long startTime, long cpuTicks,
        long rssPages) {

    /** Whether the process has exited (zombie or dead) and only waits to be reaped. */
    public boolean exited() {
        return state == 'Z' || state == 'X';
    }
}
