package dev.cutover.model.api;

import java.util.Map;

/**
 * An environment's instance counts by process type.
 *
 * @param current what it runs now (its release's manifest, with the counts set by {@code cutover scale} over it)
 * @param target what it runs once the scale asked for is done; the same as {@code current} when nothing changes
 * @param manifest what the serving release's manifest says
 * @param deployment the scale deployment started; null when nothing changes, or for a read
 */
public record ScaleView(String app, String env, Map<String, Integer> current, Map<String, Integer> target,
        Map<String, Integer> manifest, DeploymentView deployment) {}
