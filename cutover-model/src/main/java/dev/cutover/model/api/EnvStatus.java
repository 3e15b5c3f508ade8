package dev.cutover.model.api;

import java.util.List;

/**
 * An environment now.
 *
 * @param url where the router serves it
 * @param serving the release serving, null before the first successful deployment
 * @param deployment the deployment in progress, else the latest one, or null
 */
public record EnvStatus(
        String app, String env, String url, ReleaseView serving, DeploymentView deployment, List<InstanceView> instances) {}
