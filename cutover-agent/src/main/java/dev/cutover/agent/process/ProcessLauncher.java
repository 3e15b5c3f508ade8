package dev.cutover.agent.process;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts instance processes as leaders of their own process group, and adopts processes an earlier agent started.
 *
 * <p>Why {@code setsid CMD} keeps the pid: setsid(1) forks only when it already leads a process group. A
 * {@link ProcessBuilder} child is in the JVM's group, not leading one, so setsid calls setsid(2) and execs in place:
 * the pid the JDK knows becomes the session and group leader, and the JDK still reaps it and reports its exit value.
 *
 * <p>Why {@code env --default-signal} in front: a server started in the background by a non-interactive shell
 * ({@code cutover server &} in a script) inherits SIGINT and SIGQUIT ignored, and ignored signals pass on to every
 * child through exec. An app started that way would ignore the SIGINT that asks it to drain and be killed after the
 * stop timeout instead. env(1) resets every signal to its default and then execs, so the pid stays the same.
 */
public final class ProcessLauncher {

    private static final Logger log = LoggerFactory.getLogger(ProcessLauncher.class);
    private static final long SETSID_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ScheduledExecutorService scheduler;
    private final String setsid;
    private final List<String> resetSignals;

    /** @param scheduler polls adopted processes for their exit */
    public ProcessLauncher(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        this.setsid = List.of("/usr/bin/setsid", "/bin/setsid").stream()
                .filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst()
                .orElse("setsid");
        this.resetSignals = envResetsSignals() ? List.of("/usr/bin/env", "--default-signal") : List.of();
        if (resetSignals.isEmpty()) {
            log.warn("/usr/bin/env has no --default-signal (coreutils before 8.31): apps inherit the signals this "
                    + "agent ignores; start the agent in the foreground or under a service manager");
        }
    }

    private static boolean envResetsSignals() {
        try {
            Process p = new ProcessBuilder("/usr/bin/env", "--default-signal", "true")
                    .redirectErrorStream(true).redirectOutput(Redirect.DISCARD).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts the process; returns once it leads its own process group (or has already exited). */
    public SupervisedProcess launch(LaunchSpec spec) throws IOException {
        List<String> command = new java.util.ArrayList<>(resetSignals);
        command.addAll(List.of(setsid, "/bin/sh", "-c", spec.command()));
        Process process = start(command, spec.workingDirectory(), spec.environment(), spec.logFile(),
                Redirect.from(new File("/dev/null")));
        return new ChildProcess(process, awaitGroupLeader(process.pid()));
    }

    /** A one-off command: its process, and its stdin when that is a pipe (else null: stdin is empty). */
    public record OneOff(SupervisedProcess process, OutputStream stdin) {}

    /**
     * Starts {@code argv} (no shell; the program is looked up on the {@code PATH} of {@code environment}) as the
     * leader of its own process group, like {@link #launch}, its standard output appended to {@code output} and its
     * standard error to {@code error}, with stdin a pipe when {@code pipeStdin}. A program that cannot be run says
     * why on standard error and exits with 127 (not found) or 126.
     */
    public OneOff launchOneOff(List<String> argv, Path workingDirectory, Map<String, String> environment,
            Path output, Path error, boolean pipeStdin) throws IOException {
        List<String> command = new java.util.ArrayList<>(resetSignals);
        command.add(setsid);
        command.add("--");
        Unrunnable unrunnable = argv.isEmpty() ? null
                : unrunnable(argv.getFirst(), workingDirectory, environment.get("PATH"));
        if (unrunnable != null) {
            // said in the program's own words, as a shell would, not in setsid's
            command.addAll(List.of("/bin/sh", "-c", "printf '%s\\n' \"$1\" >&2; exit " + unrunnable.exitCode(),
                    "cutover-exec", unrunnable.message()));
        } else {
            command.addAll(argv);
        }
        Process process = start(command, workingDirectory, environment, output, error,
                pipeStdin ? Redirect.PIPE : Redirect.from(new File("/dev/null")));
        SupervisedProcess proc = new ChildProcess(process, awaitGroupLeader(process.pid()));
        return new OneOff(proc, pipeStdin ? process.getOutputStream() : null);
    }

    /** Why a program cannot be run, as a shell says it, and the exit code a shell gives: 127 not found, 126 found. */
    record Unrunnable(String message, int exitCode) {}

    /**
     * Why {@code program} cannot be run, or null when it can: a name is looked up on {@code path}, a path with a slash
     * from {@code workingDirectory}. One that is there but is a directory or not executable is named as such, with
     * what to do.
     */
    static Unrunnable unrunnable(String program, Path workingDirectory, String path) {
        if (program.contains("/")) {
            Path file = workingDirectory.resolve(program);
            return !Files.exists(file) ? new Unrunnable(program + ": No such file or directory", 127)
                    : notExecutable(program, file);
        }
        if (path == null) {
            return null; // the system's default search path: the exec itself will say
        }
        Path found = null;
        String foundAs = null;
        for (String dir : path.split(":", -1)) {
            Path candidate = (dir.isEmpty() ? workingDirectory : workingDirectory.resolve(dir)).resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return null;
            }
            if (found == null && Files.isRegularFile(candidate)) {
                found = candidate;
                foundAs = dir.isEmpty() ? program : dir + "/" + program;
            }
        }
        if (found != null) {
            return notExecutable(program + " (" + foundAs + " on the release's PATH)", found);
        }
        return new Unrunnable(program + ": No such file or directory: not found on the release's PATH (" + path + ")",
                127);
    }

    private static Unrunnable notExecutable(String named, Path file) {
        if (Files.isDirectory(file)) {
            return new Unrunnable(named + ": Is a directory", 126);
        }
        return Files.isExecutable(file) ? null : new Unrunnable(named + ": Permission denied: it is not executable "
                + "(chmod +x it in the app directory and deploy again)", 126);
    }

    private Process start(List<String> command, Path workingDirectory, Map<String, String> environment, Path output,
            Redirect stdin) throws IOException {
        return start(command, workingDirectory, environment, output, null, stdin);
    }

    /** {@code error} null: standard error goes where standard output does. */
    private Process start(List<String> command, Path workingDirectory, Map<String, String> environment, Path output,
            Path error, Redirect stdin) throws IOException {
        Files.createDirectories(output.getParent());
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectInput(stdin)
                .redirectOutput(Redirect.appendTo(output.toFile()));
        if (error == null) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(Redirect.appendTo(error.toFile()));
        }
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process process = pb.start();
        JdkChildren.track(process);
        return process;
    }

    /**
     * Until setsid(2) has run, kill(-pid) would find no group: waits for it so that a stop right after a start
     * reaches the process. Returns the start time, which is stable across the exec; 0 when it exited at once.
     */
    private static long awaitGroupLeader(long pid) {
        long deadline = System.nanoTime() + SETSID_WAIT_NANOS;
        long startTime = 0;
        while (true) {
            Optional<ProcStat> stat = ProcFs.stat(pid);
            if (stat.isEmpty() || stat.get().exited()) {
                break;
            }
            startTime = stat.get().startTime();
            if (stat.get().session() == pid && stat.get().pgrp() == pid) {
                break;
            }
            if (System.nanoTime() > deadline) {
                log.warn("pid {} did not become a process group leader within 5s; signals reach only it", pid);
                break;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return startTime;
    }

    /**
     * Adopts {@code pid} if it is still the process that was recorded: alive, with the same start time, and leading
     * its own process group. Otherwise the pid is gone or belongs to someone else, and it must never be signalled.
     */
    public Optional<SupervisedProcess> adopt(long pid, long startTime) {
        if (pid <= 1) {
            return Optional.empty();
        }
        return ProcFs.stat(pid)
                .filter(s -> s.startTime() == startTime && !s.exited() && s.pgrp() == pid)
                .map(s -> new AdoptedProcess(pid, startTime, scheduler));
    }
}
