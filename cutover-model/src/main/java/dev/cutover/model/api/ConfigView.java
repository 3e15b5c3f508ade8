package dev.cutover.model.api;

import java.util.Map;

/**
 * An environment's config at one revision; {@code deployment} is set when the change rolled out a new release.
 * {@code changed} answers a change: false when every variable already had the value asked (and an unset one was not
 * set), so that no revision was made and nothing rolled out; absent when the config is only read.
 */
public record ConfigView(String app, String env, int revision, Map<String, String> vars, DeploymentView deployment,
        Boolean changed) {}
