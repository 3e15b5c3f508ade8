package dev.cutover.agent.process;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pids of the direct children this JVM started through {@link ProcessBuilder} and whose exit the JDK has not yet
 * seen. The {@link Reaper} must never wait on these: the JDK's own reaper thread collects their exit codes.
 *
 * <p>This is deliberately JVM-wide state: the set of a process's children is a property of the process, not of one
 * agent object, and a second agent in the same JVM (adoption after {@code close()}) must see the first one's
 * children.
 */
final class JdkChildren {

    private static final Set<Long> PIDS = ConcurrentHashMap.newKeySet();

    private JdkChildren() {}

    static void track(Process process) {
        long pid = process.pid();
        PIDS.add(pid);
        process.onExit().whenComplete((p, e) -> PIDS.remove(pid));
    }

    static boolean contains(long pid) {
        return PIDS.contains(pid);
    }
}
