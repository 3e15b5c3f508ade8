package dev.cutover.engine.rollout;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Why a deployment failed.
 *
 * @param instance the instance whose behaviour failed it, or null
 */
public record Failure(FailureReason reason, String message, String instance) {

    /** How an agent says when an instance that exited starts again: {@code , restarting in 0.8s}. */
    private static final Pattern RESTART_PENDING =
            Pattern.compile(", (?:restarting|starting again) in \\d+(?:\\.\\d+)?s");

    public Failure {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }

    /**
     * The failure as said once the deployment goes back: without the agent's "restarting in 0.8s", since the
     * instance is stopped rather than restarted.
     */
    Failure stopping() {
        return new Failure(reason, RESTART_PENDING.matcher(message).replaceAll(""), instance);
    }
}
