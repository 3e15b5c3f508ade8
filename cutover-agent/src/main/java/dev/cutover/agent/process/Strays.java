package dev.cutover.agent.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The processes an instance left running outside its process group: an app that daemonizes (forks, lets the child
 * start a session of its own, and returns) hands its work to a process its stop signals never reach. This JVM is a
 * child subreaper ({@link Reaper}), so the kernel gives it such orphans as children; they are told apart from the
 * JDK's own children, and from other instances' strays, by the {@code CUTOVER_INSTANCE} they inherited.
 */
public final class Strays {

    private static final Path PROC = Path.of("/proc");
    private static final long SELF = ProcessHandle.current().pid();
    private static final int SHOWN = 3;

    /** One left-behind process: its stat, its command line, and what it listens on. */
    public record Stray(ProcStat stat, String command, List<Listeners.Address> listening) {

        /** {@code pid 2877 (python3 server.py, listening on 0.0.0.0:35699)}. */
        public String describe() {
            return "pid " + stat.pid() + " (" + command + (listening.isEmpty() ? "" : ", listening on "
                    + listening.stream().map(Listeners.Address::toString).collect(Collectors.joining(", "))) + ")";
        }
    }

    private Strays() {}

    /**
     * The live processes this JVM adopted as orphans that carry {@code CUTOVER_INSTANCE=instanceId}, outside the
     * instance's process group {@code group}. One still in that group is not a stray: its leader exited first (a
     * shell that dies on TERM while the app it started finishes its shutdown), and the group's stop signals and
     * timeout still reach it.
     */
    public static List<Stray> of(String instanceId, long group) {
        String tag = "\0CUTOVER_INSTANCE=" + instanceId + "\0";
        List<Stray> found = new ArrayList<>();
        for (ProcStat s : ProcFs.all()) {
            if (s.ppid() == SELF && !s.exited() && s.pgrp() != group && !JdkChildren.contains(s.pid())
                    && environment(s.pid()).contains(tag)) {
                found.add(new Stray(s, commandLine(s.pid()), Listeners.of(s.pgrp())));
            }
        }
        return found;
    }

    /** {@code pid 2877 (python3 server.py, listening on ...)}, for the first few, and how many more. */
    public static String describe(List<Stray> strays) {
        String shown = strays.stream().limit(SHOWN).map(Stray::describe).collect(Collectors.joining("; "));
        return strays.size() > SHOWN ? shown + " and " + (strays.size() - SHOWN) + " more" : shown;
    }

    /**
     * Sends each stray's process group {@code SIGTERM}, waits up to {@code grace} for them to go, then sends what is
     * left {@code SIGKILL}. A stray in this JVM's own group (which no instance is) is left alone.
     */
    public static void stop(List<Stray> strays, Duration grace) throws InterruptedException {
        long ownGroup = ProcFs.stat(SELF).map(ProcStat::pgrp).orElse(-1);
        Set<Long> groups = new LinkedHashSet<>();
        for (Stray s : strays) {
            if (s.stat().pgrp() > 1 && s.stat().pgrp() != ownGroup) {
                groups.add((long) s.stat().pgrp());
            }
        }
        groups.forEach(g -> Posix.killGroup(g, Signal.TERM));
        long until = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < until && groups.stream().anyMatch(ProcFs::groupAlive)) {
            Thread.sleep(50);
        }
        groups.stream().filter(ProcFs::groupAlive).forEach(g -> Posix.killGroup(g, Signal.KILL));
    }

    private static String environment(int pid) {
        return read(pid, "environ");
    }

    static String commandLine(int pid) {
        String line = read(pid, "cmdline").replace('\0', ' ').strip();
        return line.length() > 80 ? line.substring(0, 77) + "..." : line;
    }

    /** A NUL-separated {@code /proc/PID} file as text, NULs kept; empty when it cannot be read. */
    private static String read(int pid, String file) {
        try {
            return "\0" + new String(Files.readAllBytes(PROC.resolve(pid + "/" + file)), StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return "";
        }
    }
}
