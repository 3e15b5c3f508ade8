package dev.cutover.agent.process;

import com.sun.jna.LastErrorException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Thin, checked wrappers around the libc calls. */
final class Posix {

    private static final Logger log = LoggerFactory.getLogger(Posix.class);

    private Posix() {}

    /** {@code kill(-pgid, sig)}; false when there is no such group. */
    static boolean killGroup(long pgid, Signal signal) {
        if (pgid <= 1) {
            throw new IllegalArgumentException("pgid: " + pgid + " (expected: a process group id above 1)");
        }
        try {
            Libc.INSTANCE.kill((int) -pgid, signal.number());
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == Libc.ESRCH) {
                return false;
            }
            throw new IllegalStateException("kill(-" + pgid + ", SIG" + signal + ") failed: errno " + e.getErrorCode(), e);
        }
    }

    /** Makes this JVM the reaper of orphaned descendants; false when the kernel refuses. */
    static boolean becomeSubreaper() {
        try {
            Libc.INSTANCE.prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
            return true;
        } catch (LastErrorException | UnsatisfiedLinkError e) {
            log.warn("prctl(PR_SET_CHILD_SUBREAPER) failed, orphaned grandchildren go to init: {}", e.toString());
            return false;
        }
    }

    /** {@code waitpid(pid, WNOHANG)} on one specific pid; true when it was reaped. */
    static boolean reap(long pid) {
        try {
            return Libc.INSTANCE.waitpid((int) pid, new int[1], Libc.WNOHANG) == pid;
        } catch (LastErrorException e) {
            return false;
        }
    }
}
