package dev.cutover.model.api;

import java.util.Map;

/**
 * What {@code cutover apps delete} started: an environment that runs nothing is deleted at once; one that runs
 * instances first has them drained and stopped by a deployment of kind {@code remove}, and is deleted, with its
 * releases, config and history, once they have ended.
 *
 * @param removed whether the environment is already gone
 * @param stopping the instances by process type that its removal drains and stops; empty when it ran none
 * @param deployment the removal's deployment; null when nothing had to stop
 */
public record RemovalView(String app, String env, boolean removed, Map<String, Integer> stopping,
        DeploymentView deployment) {}
