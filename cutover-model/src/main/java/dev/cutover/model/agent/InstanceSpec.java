package dev.cutover.model.agent;

import dev.cutover.model.manifest.HealthSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One instance an agent must run: everything it needs, with nothing to look up.
 *
 * @param id stable, unique instance id
 * @param app the app, for {@code CUTOVER_APP}
 * @param env the environment, for {@code CUTOVER_ENV}
 * @param release the release number, for {@code CUTOVER_RELEASE}
 * @param version the build's version label, for {@code CUTOVER_VERSION}
 * @param processType the manifest's process type; {@code web} gets a port
 * @param command run with {@code /bin/sh -c} in the instance's working directory
 * @param build sha256 of the bundle to unpack
 * @param environment the release's config variables
 * @param health how to probe it; null for process types without a port
 * @param stopSignals signals sent in order on stop, each followed by a wait of {@code stopTimeout} (the last is
 *                    normally {@code KILL})
 * @param stopTimeout the wait after each stop signal
 */
public record InstanceSpec(
        String id,
        String app,
        String env,
        int release,
        String version,
        String processType,
        String command,
        String build,
        Map<String, String> environment,
        HealthSpec health,
        List<String> stopSignals,
        Duration stopTimeout) {

    public InstanceSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(build, "build");
        environment = Map.copyOf(environment);
        stopSignals = List.copyOf(stopSignals);
        Objects.requireNonNull(stopTimeout, "stopTimeout");
    }

    /** Only process types with a health check listen on a port and take traffic. */
    public boolean listens() {
        return health != null;
    }
}
