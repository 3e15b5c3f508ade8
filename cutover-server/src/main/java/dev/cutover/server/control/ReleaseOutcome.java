package dev.cutover.server.control;

import dev.cutover.model.agent.RunReport;

/** How a deployment's release command ended, as kept with the deployment: the word is the API's. */
enum ReleaseOutcome {
    /** It exited 0. */
    SUCCEEDED,
    /** It exited with another code. */
    FAILED,
    /** Its process went away without an exit code. */
    LOST,
    /** It could not be started. */
    START_FAILED,
    /** The deployment let it go before it ended: an abort, or the step's deadline. */
    STOPPED;

    /** From the agent's last report of the run, at the moment the deployment lets it go; null: never reported. */
    static ReleaseOutcome of(RunReport report) {
        if (report == null) {
            return STOPPED;
        }
        return switch (report.state()) {
            case STARTING, RUNNING, STOPPING -> STOPPED;
            case EXITED -> report.exitCode() != null && report.exitCode() == 0 ? SUCCEEDED : FAILED;
            case FAILED -> START_FAILED;
            case LOST -> LOST;
        };
    }

    String word() {
        return name().toLowerCase().replace('_', '-');
    }
}
