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

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
