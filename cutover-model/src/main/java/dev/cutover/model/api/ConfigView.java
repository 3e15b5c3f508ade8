package dev.cutover.model.api;

import java.util.Map;

/** An environment's config at one revision; {@code deployment} is set when the change rolled out a new release. */
public record ConfigView(String app, String env, int revision, Map<String, String> vars, DeploymentView deployment) {}
