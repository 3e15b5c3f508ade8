package dev.cutover.agent.supervisor;

import dev.cutover.model.agent.InstanceSpec;
import dev.cutover.model.agent.RunSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment an instance's process gets: nothing from the agent but {@code base} (PATH, LANG), then HOME, the
 * release's config, PORT for a process that listens, and the {@code CUTOVER_*} metadata, which config cannot
 * override. A one-off run gets the same, without PORT.
 */
final class InstanceEnvironment {

    private InstanceEnvironment() {}

    /** @param port the instance's port; 0 for none (process types without a port, and execs) */
    static Map<String, String> of(Map<String, String> base, InstanceSpec s, String instanceId, Path work, int port) {
        return of(base, s.environment(), s.app(), s.env(), s.release(), s.version(), instanceId, work, port);
    }

    /** A run's environment: {@code CUTOVER_INSTANCE} is the run's id. */
    static Map<String, String> of(Map<String, String> base, RunSpec r, Path work) {
        return of(base, r.environment(), r.app(), r.env(), r.release(), r.version(), r.id(), work, 0);
    }

    private static Map<String, String> of(Map<String, String> base, Map<String, String> config, String app,
            String envName, int release, String version, String instanceId, Path work, int port) {
        Map<String, String> env = new LinkedHashMap<>(base);
        env.put("HOME", work.toString());
        env.putAll(config);
        if (port > 0) {
            env.put("PORT", Integer.toString(port));
        } else {
            env.remove("PORT");
        }
        putIfNotNull(env, "CUTOVER_APP", app);
        putIfNotNull(env, "CUTOVER_ENV", envName);
        env.put("CUTOVER_RELEASE", "v" + release);
        putIfNotNull(env, "CUTOVER_VERSION", version);
        env.put("CUTOVER_INSTANCE", instanceId);
        return env;
    }

    private static void putIfNotNull(Map<String, String> env, String key, String value) {
        if (value != null) {
            env.put(key, value);
        }
    }
}
