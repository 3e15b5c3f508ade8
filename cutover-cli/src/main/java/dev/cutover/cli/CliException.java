package dev.cutover.cli;

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

    public int exitCode() {
        return exitCode;
    }

    /** Whether the server gave no answer (as opposed to answering with an error). */
    boolean serverAway() {
        return serverAway;
    }
}
