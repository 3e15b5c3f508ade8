package dev.cutover.agent.process;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/** The few libc calls the JDK does not offer. Errors surface as {@link LastErrorException} carrying errno. */
interface Libc extends Library {
    int EPERM = 1;
    int ESRCH = 3;
    int ECHILD = 10;
    int PR_SET_CHILD_SUBREAPER = 36;
    int WNOHANG = 1;

    Libc INSTANCE = Native.load("c", Libc.class);

    int kill(int pid, int sig) throws LastErrorException;

    int prctl(int option, long arg2, long arg3, long arg4, long arg5) throws LastErrorException;

    int waitpid(int pid, int[] status, int options) throws LastErrorException;
}
