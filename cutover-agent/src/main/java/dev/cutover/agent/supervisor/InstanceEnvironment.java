package dev.cutover.agent.supervisor;

import dev.cutover.model.agent.InstanceSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment an instance's process gets: nothing from the agent but {@code base} (PATH, LANG), then HOME, the
 * release's config, PORT for a process that listens, and the {@code CUTOVER_*} metadata, which config cannot
 * override.
 */
final class InstanceEnvironment {

    private InstanceEnvironment() {}

    /** @param port the instance's port; 0 for none (process types without a port, and execs) */
    static Map<String, String> of(Map<String, String> base, InstanceSpec s, String instanceId, Path work, int port) {
        Map<String, String> env = new LinkedHashMap<>(base);
        env.put("HOME", work.toString());
        env.putAll(s.environment());
        if (port > 0) {
            env.put("PORT", Integer.toString(port));
        } else {
            env.remove("PORT");
        }
        putIfNotNull(env, "CUTOVER_APP", s.app());
        putIfNotNull(env, "CUTOVER_ENV", s.env());
        env.put("CUTOVER_RELEASE", "v" + s.release());
        putIfNotNull(env, "CUTOVER_VERSION", s.version());
        env.put("CUTOVER_INSTANCE", instanceId);
        return env;
    }

    private static void putIfNotNull(Map<String, String> env, String key, String value) {
        if (value != null) {
            env.put(key, value);
        }
    }
}
