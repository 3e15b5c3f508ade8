package dev.cutover.model.agent;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A one-off command an agent must run to completion, once: a deployment's release command. It runs with
 * {@code /bin/sh -c} in a fresh working directory of {@code build}, with the release's config variables and the
 * {@code CUTOVER_*} metadata ({@code CUTOVER_INSTANCE} is the run's id) and no {@code PORT}.
 *
 * @param id stable and unique, derived from what asked for the run (e.g. {@code d12-release}): a run is started once
 *           per id, however often it is asked for
 * @param app the app, for {@code CUTOVER_APP}
 * @param env the environment, for {@code CUTOVER_ENV}
 * @param release the release number, for {@code CUTOVER_RELEASE}
 * @param version the build's version label, for {@code CUTOVER_VERSION}
 * @param command run with {@code /bin/sh -c}
 * @param build sha256 of the bundle to unpack
 * @param environment the release's config variables
 * @param stopTimeout when the run is stopped before it ends: the wait between TERM and KILL
 */
public record RunSpec(
        String id,
        String app,
        String env,
        int release,
        String version,
        String command,
        String build,
        Map<String, String> environment,
        Duration stopTimeout) {

    public RunSpec {
        Objects.requireNonNull(id, "id");
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("command: " + command + " (expected: a command for /bin/sh -c)");
        }
        Objects.requireNonNull(build, "build");
        environment = Map.copyOf(environment);
        Objects.requireNonNull(stopTimeout, "stopTimeout");
    }
}
