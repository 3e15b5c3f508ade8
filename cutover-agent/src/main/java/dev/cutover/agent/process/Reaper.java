package dev.cutover.agent.process;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reaps orphaned grandchildren that the kernel re-parents to this JVM once it is a child subreaper.
 *
 * <p>It never calls {@code waitpid(-1)}, which would steal exit codes from the JDK's reaper thread. Every second it
 * scans {@code /proc} for zombies whose parent is this JVM, skips the JDK's own children ({@link JdkChildren}), and
 * waits only on a zombie it also saw on the previous scan: the JDK reaps its own children at once, so a zombie that
 * lingers for a second is one nobody else will collect.
 */
public final class Reaper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Reaper.class);

    private final long self = ProcessHandle.current().pid();
    private final Set<Long> seen = new HashSet<>();
    private final ScheduledFuture<?> task;
    private final boolean subreaper;

    private Reaper(ScheduledExecutorService scheduler) {
        this.subreaper = Posix.becomeSubreaper();
        this.task = subreaper ? scheduler.scheduleWithFixedDelay(this::scan, 1, 1, TimeUnit.SECONDS) : null;
    }

    /** Becomes a child subreaper if the kernel allows it, and starts scanning on {@code scheduler}. */
    public static Reaper start(ScheduledExecutorService scheduler) {
        return new Reaper(scheduler);
    }

    public boolean subreaper() {
        return subreaper;
    }

    private void scan() {
        try {
            Set<Long> zombies = new HashSet<>();
            for (ProcStat s : ProcFs.all()) {
                if (s.ppid() == self && s.state() == 'Z' && !JdkChildren.contains(s.pid())) {
                    zombies.add((long) s.pid());
                }
            }
            synchronized (seen) {
                for (long pid : zombies) {
                    if (seen.contains(pid) && !JdkChildren.contains(pid) && Posix.reap(pid)) {
                        log.debug("reaped orphaned process {}", pid);
                    }
                }
                seen.clear();
                seen.addAll(zombies);
            }
        } catch (RuntimeException e) {
            log.warn("reaper scan failed, retrying in 1s", e);
        }
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
