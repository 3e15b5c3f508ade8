package dev.cutover.agent.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The live processes of one process group, read from {@code /proc}: what an instance's command left behind in its
 * group when it exited ({@code python3 app.py &} as the whole command, or a script that starts the app with
 * {@code nohup ... &} and returns), and which of them ignore a stop signal. A non-interactive shell starts the
 * commands it puts in the background with {@code SIGINT} and {@code SIGQUIT} ignored (POSIX), so an app behind
 * {@code app & wait} never hears the default {@code INT}: the agent names it rather than blame the app.
 */
public final class GroupMembers {

    private static final Path PROC = Path.of("/proc");

    private GroupMembers() {}

    /** The live members of process group {@code group} (its leader too, while it lives). */
    public static List<Strays.Stray> of(long group) {
        List<Strays.Stray> found = new ArrayList<>();
        for (ProcStat s : ProcFs.all()) {
            if (s.pgrp() == group && !s.exited()) {
                found.add(new Strays.Stray(s, Strays.commandLine(s.pid()), List.of()));
            }
        }
        return found;
    }

    /**
     * What is left alive in the group of a leader that exited, with what the group listens on given with the first
     * of them: {@code pid 4068 (python3 app.py, listening on 0.0.0.0:38447)}.
     */
    public static List<Strays.Stray> leftBy(long leader) {
        List<Strays.Stray> left = of(leader).stream().filter(s -> s.stat().pid() != leader).toList();
        if (left.isEmpty()) {
            return left;
        }
        List<Strays.Stray> described = new ArrayList<>(left);
        Strays.Stray first = left.getFirst();
        described.set(0, new Strays.Stray(first.stat(), first.command(), Listeners.of(leader)));
        return described;
    }

    /** The live members of {@code group} whose disposition for {@code signal} is "ignore". */
    public static List<Strays.Stray> ignoring(long group, Signal signal) {
        return of(group).stream().filter(s -> ignores(s.stat().pid(), signal)).toList();
    }

    /** Whether process {@code pid} ignores {@code signal}: its bit in the {@code SigIgn} mask of its status. */
    static boolean ignores(long pid, Signal signal) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(pid + "/status"))) {
                if (line.startsWith("SigIgn:")) {
                    long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16);
                    return (mask >>> (signal.number() - 1) & 1) != 0;
                }
            }
        } catch (IOException | SecurityException | NumberFormatException e) {
            // gone, or unreadable: not known to ignore it
        }
        return false;
    }
}
