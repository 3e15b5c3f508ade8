package dev.cutover.model.api;

import java.util.Map;

/**
 * Asks for a new release of an uploaded build and its roll-out.
 *
 * @param build the bundle's sha256, uploaded before
 * @param version the version label; defaults to the first 12 characters of the sha256
 * @param strategy overrides the manifest's strategy for this deployment, or null
 * @param set overrides the manifest's deploy parameters, e.g. {@code percent=20}
 */
public record DeployRequest(String build, String version, String strategy, Map<String, String> set) {
    public DeployRequest {
        set = set == null ? Map.of() : Map.copyOf(set);
    }
}
