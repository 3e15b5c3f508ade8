package dev.cutover.agent.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Reads process facts from {@code /proc}. */
public final class ProcFs {

    private static final Path PROC = Path.of("/proc");
    /** Linux's USER_HZ, the unit of the times in {@code /proc/PID/stat}: 100 on every mainstream architecture. */
    public static final int TICKS_PER_SECOND = 100;

    private ProcFs() {}

    /** The stat of {@code pid}, empty when there is no such process. */
    public static Optional<ProcStat> stat(long pid) {
        try {
            String line = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
            return Optional.of(parse(line));
        } catch (IOException | RuntimeException e) {
            // Gone between listing and reading, or unreadable: for our purposes not there.
            return Optional.empty();
        }
    }

    static ProcStat parse(String line) {
        // "pid (comm) S ppid pgrp session ...": comm may hold spaces and parentheses, so split after the last ')'.
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        int pid = Integer.parseInt(line.substring(0, open).trim());
        String[] f = line.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state); field n is f[n - 3].
        return new ProcStat(
                pid,
                f[0].charAt(0),
                Integer.parseInt(f[1]),
                Integer.parseInt(f[2]),
                Integer.parseInt(f[3]),
                Long.parseLong(f[19]),
                Long.parseLong(f[11]) + Long.parseLong(f[12]),
                Long.parseLong(f[21]));
    }

    /** Every process on the host; processes that vanish while listing are skipped. */
    public static List<ProcStat> all() {
        List<ProcStat> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    stat(Long.parseLong(name)).ifPresent(out::add);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * When a process with {@code startTime} (clock ticks since boot) started. Linux's USER_HZ, the unit of
     * {@code /proc/PID/stat}, is 100 on every mainstream architecture.
     */
    public static java.time.Instant startInstant(long startTime) {
        try {
            for (String line : Files.readAllLines(PROC.resolve("stat"))) {
                if (line.startsWith("btime ")) {
                    long bootSeconds = Long.parseLong(line.substring(6).trim());
                    return java.time.Instant.ofEpochSecond(bootSeconds).plusMillis(startTime * 1000 / TICKS_PER_SECOND);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return null;
    }

    /**
     * A live process that leads its own process group and works in {@code directory}: how a process is found again
     * when its pid was never recorded (its starter stopped between starting it and writing the pid down).
     */
    public static Optional<ProcStat> groupLeaderIn(Path directory) {
        Path wanted = directory.toAbsolutePath().normalize();
        return groupLeaders().stream().filter(l -> l.cwd().equals(wanted)).map(Leader::stat).findFirst();
    }

    /**
     * The live process group leaders that work in a directory under {@code root}, by the name of that directory
     * (the first name below {@code root}, so that a leader that changed into a subdirectory of its own still counts):
     * how an agent finds the instances of its data directory whatever its records say.
     */
    public static Map<String, List<ProcStat>> groupLeadersUnder(Path root) {
        Path base = root.toAbsolutePath().normalize();
        Map<String, List<ProcStat>> found = new TreeMap<>();
        for (Leader l : groupLeaders()) {
            if (l.cwd().startsWith(base) && l.cwd().getNameCount() > base.getNameCount()) {
                found.computeIfAbsent(l.cwd().getName(base.getNameCount()).toString(), k -> new ArrayList<>())
                        .add(l.stat());
            }
        }
        return found;
    }

    /**
     * The process groups whose leader has exited while other members live on, with a member working in a directory
     * under {@code root}, by the name of that directory, as {@link #groupLeadersUnder} names them: what is left of an
     * instance whose leader (a {@code sh -c} that ran the app as its child, say) died while no agent watched it. The
     * kernel does not reuse a pid while a group of that id has members, so such a group is still the one its leader
     * started.
     */
    public static Map<String, Set<Long>> leaderlessGroupsUnder(Path root) {
        Path base = root.toAbsolutePath().normalize();
        List<ProcStat> all = all();
        Set<Integer> live = new HashSet<>();
        for (ProcStat s : all) {
            if (!s.exited()) {
                live.add(s.pid());
            }
        }
        Map<String, Set<Long>> found = new TreeMap<>();
        for (ProcStat s : all) {
            if (s.exited() || live.contains(s.pgrp()) || s.pgrp() <= 1) {
                continue;
            }
            try {
                Path cwd = Files.readSymbolicLink(PROC.resolve(Integer.toString(s.pid())).resolve("cwd"));
                if (cwd.startsWith(base) && cwd.getNameCount() > base.getNameCount()) {
                    found.computeIfAbsent(cwd.getName(base.getNameCount()).toString(), k -> new TreeSet<>())
                            .add((long) s.pgrp());
                }
            } catch (IOException | SecurityException e) {
                // gone meanwhile, or not ours to look at
            }
        }
        return found;
    }

    /** Whether process group {@code pgid} has live members but its leader has exited. */
    private static boolean leaderless(long pgid) {
        Optional<ProcStat> leader = stat(pgid);
        return (leader.isEmpty() || leader.get().exited()) && groupAlive(pgid);
    }

    /** Sends {@code signal} to group {@code pgid} if it is {@link #leaderless}; false when it is not, or is gone. */
    public static boolean signalLeaderless(long pgid, Signal signal) {
        return leaderless(pgid) && Posix.killGroup(pgid, signal);
    }

    private record Leader(ProcStat stat, Path cwd) {}

    /** Every live process group leader, with its working directory. */
    private static List<Leader> groupLeaders() {
        List<Leader> leaders = new ArrayList<>();
        for (ProcStat s : all()) {
            if (s.pgrp() != s.pid() || s.exited()) {
                continue;
            }
            try {
                Path cwd = Files.readSymbolicLink(PROC.resolve(Integer.toString(s.pid())).resolve("cwd"));
                leaders.add(new Leader(s, cwd));
            } catch (IOException | SecurityException e) {
                // gone meanwhile, or not ours to look at
            }
        }
        return leaders;
    }

    /** Whether any process that has not exited is in process group {@code pgid}. */
    public static boolean groupAlive(long pgid) {
        for (ProcStat s : all()) {
            if (s.pgrp() == pgid && !s.exited()) {
                return true;
            }
        }
        return false;
    }
}
