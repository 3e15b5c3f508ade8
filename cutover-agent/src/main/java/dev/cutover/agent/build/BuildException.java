package dev.cutover.agent.build;

/** A build that cannot be used: missing, corrupt, or an archive that would write outside its directory. */
public final class BuildException extends Exception {

    public BuildException(String message) {
        super(message);
    }

    public BuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
