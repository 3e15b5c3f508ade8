package dev.cutover.engine.rollout;

import java.util.Objects;

/**
 * Why a deployment failed.
 *
 * @param instance the instance whose behaviour failed it, or null
 */
public record Failure(FailureReason reason, String message, String instance) {
    public Failure {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
