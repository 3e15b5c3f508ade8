package dev.cutover.server.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cutover.model.json.Json;
import dev.cutover.model.manifest.DeployPolicy;
import dev.cutover.model.manifest.Manifest;
import dev.cutover.store.Configs;
import dev.cutover.store.DeploymentRow;
import dev.cutover.store.EnvRow;
import dev.cutover.store.Environments;
import dev.cutover.store.ReleaseRow;
import dev.cutover.store.Releases;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;

/**
 * Releases are immutable, so each is read and parsed once and then served from memory. Thread-safe.
 */
public final class ReleaseCatalog {

    private record Key(long envId, int number) {}

    private final Map<Key, ReleaseInfo> cache = new ConcurrentHashMap<>();

    public ReleaseInfo get(Handle h, long envId, int number) {
        Key key = new Key(envId, number);
        ReleaseInfo known = cache.get(key);
        if (known != null) {
            return known;
        }
        EnvRow env = Environments.get(h, envId);
        ReleaseRow row = Releases.get(h, envId, number).orElseThrow(() -> new IllegalStateException(
                "release v" + number + " of " + env.app() + "/" + env.name() + " is not in the store"));
        ReleaseInfo info = new ReleaseInfo(env.app(), env.name(), envId, number, row.version(), row.build(),
                parse(row), Configs.vars(h, envId, row.configRevision()));
        cache.put(key, info);
        return info;
    }

    /**
     * The deploy policy deployment {@code d} runs by: its own when its deploy was given one ({@code --strategy},
     * {@code --set}), else that of its release's {@code manifest}.
     */
    public static DeployPolicy policyOf(DeploymentRow d, Manifest manifest) {
        if (d.policy() == null) {
            return manifest.deploy();
        }
        try {
            return Json.mapper().readValue(d.policy(), DeployPolicy.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the deploy policy of deployment " + d.id() + " in the store is unreadable",
                    e);
        }
    }

    /** A release's manifest, from the JSON the store keeps. */
    public static Manifest parse(ReleaseRow row) {
        try {
            return Json.mapper().readValue(row.manifest(), Manifest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the manifest of release v" + row.number() + " in the store is unreadable", e);
        }
    }
}
