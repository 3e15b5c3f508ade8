package dev.cutover.model.api;

/**
 * Asks for a new release of an uploaded build and its roll-out.
 *
 * @param build the bundle's sha256, uploaded before
 * @param version the version label; defaults to the first 12 characters of the sha256
 * @param strategy overrides the manifest's strategy for this deployment, or null
 */
public record DeployRequest(String build, String version, String strategy) {}
