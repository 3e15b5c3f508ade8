package dev.cutover.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/** Ends a command with a message for the user and an exit code. */
public final class CliException extends RuntimeException {

    /** The request was wrong: fix the input. */
    public static final int USAGE = 2;
    /** The server refused or could not be reached. */
    public static final int API = 3;
    /** A deployment failed or rolled back. */
    public static final int DEPLOYMENT_FAILED = 1;

    private final int exitCode;
    private final boolean serverAway;

    public CliException(String message, int exitCode) {
        this(message, exitCode, false);
    }

    private CliException(String message, int exitCode, boolean serverAway) {
        super(message);
        this.exitCode = exitCode;
        this.serverAway = serverAway;
    }

    /** The server could not be reached, or the connection to it was lost: it gave no answer. */
    static CliException serverAway(String message) {
        return new CliException(message, API, true);
    }

    /**
     * Reading the app failed: {@code what} ({@code cannot pack DIR}) and why, in words, since the JDK's messages for
     * the common cases are the bare file name ({@code AccessDeniedException}, {@code NoSuchFileException}).
     */
    static CliException unreadable(String what, IOException e) {
        String why;
        if (e instanceof AccessDeniedException denied) {
            why = denied.getFile() + ": permission denied (" + (denied.getReason() != null ? denied.getReason()
                    : "the user running cutover must be able to read every file of the app") + ")";
        } else if (e instanceof NoSuchFileException missing) {
            why = missing.getFile() + ": no such file or directory";
        } else {
            why = e.getMessage() != null ? e.getMessage() : e.toString();
        }
        return new CliException(what + ": " + why, USAGE);
    }

    public int exitCode() {
        return exitCode;
    }

    /** Whether the server gave no answer (as opposed to answering with an error). */
    boolean serverAway() {
        return serverAway;
    }
}
