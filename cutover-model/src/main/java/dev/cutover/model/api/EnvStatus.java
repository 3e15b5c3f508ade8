package dev.cutover.model.api;

import java.util.List;

/**
 * An environment now.
 *
 * @param url where the router serves it
 * @param serving the release serving, null before the first successful deployment
 * @param deployment the deployment in progress, else the latest one, or null
 * @param traffic how the router splits new requests across the releases it routes to, by release; empty when it
 *                routes none of the environment's instances
 * @param instances the instances wanted running, and those stopped but still stopping
 * @param stopped the instances stopped in the last two minutes, and how each ended, oldest first
 * @param preview where the router serves a candidate release on its own ({@code APP-ENV-preview.DOMAIN}, blue-green
 *                with {@code preview}), or null when it serves none there
 * @param previewRelease the release served at {@code preview}, 0 when none
 */
public record EnvStatus(
        String app, String env, String url, ReleaseView serving, DeploymentView deployment, List<InstanceView> instances,
        List<TrafficShare> traffic, List<StoppedInstanceView> stopped, String preview, int previewRelease) {}
