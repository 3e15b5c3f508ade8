package dev.cutover.store;

/** A deployment was asked for while another one of the same environment is unfinished. */
public final class DeploymentInProgressException extends RuntimeException {
    private final long running;

    public DeploymentInProgressException(long running) {
        super("deployment " + running + " is in progress");
        this.running = running;
    }

    public long running() {
        return running;
    }
}
