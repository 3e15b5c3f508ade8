package dev.cutover.model.manifest;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import dev.cutover.model.routing.RouteOptions;

/**
 * A bundle's {@code cutover.yml} (or what a {@code Procfile} or an {@code application} executable stands for).
 *
 * @param processes process types by name, in manifest order; {@code web} gets a port and traffic
 * @param build commands run before bundling
 * @param release a command run with {@code /bin/sh -c} once per deployment, in the new release's environment, before
 *                any instance of it starts or any traffic moves; null for none
 * @param health how {@code web} instances are probed
 * @param deploy the deploy policy
 * @param routing how the router treats the environment's requests (balance, HTTPS redirect, body limit); the
 *                serving release's applies
 */
public record Manifest(
        Map<String, ProcessSpec> processes, List<String> build, String release, HealthSpec health, DeployPolicy deploy,
        RouteOptions routing) {

    public static final String WEB = "web";

    public Manifest {
        if (processes == null || processes.isEmpty()) {
            throw new ManifestException("processes", null, "at least one process type, e.g. web: { command: ./server }");
        }
        processes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(processes));
        build = List.copyOf(build);
        if (release != null && release.isBlank()) {
            throw new ManifestException("release", release, "a command, e.g. \"./bin/migrate\", or no release key");
        }
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(deploy, "deploy");
        // A manifest stored before routing options existed reads back with none: the defaults.
        routing = routing == null ? RouteOptions.DEFAULT : routing;
    }

    /** Without routing options: the defaults. */
    public Manifest(Map<String, ProcessSpec> processes, List<String> build, String release, HealthSpec health,
            DeployPolicy deploy) {
        this(processes, build, release, health, deploy, RouteOptions.DEFAULT);
    }
}
