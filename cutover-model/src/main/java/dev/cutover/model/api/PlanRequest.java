package dev.cutover.model.api;

import dev.cutover.model.manifest.Manifest;

/** Asks what deploying a release with this manifest would do, without doing it. */
public record PlanRequest(Manifest manifest) {}
