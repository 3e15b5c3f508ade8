package dev.cutover.server;

import dev.cutover.model.name.EnvRef;
import dev.cutover.router.tls.TlsConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * How a server runs.
 *
 * @param dataDir the store, the builds, the agent's files
 * @param httpBind where the router listens for app traffic
 * @param httpPort the router's port (0: any free one)
 * @param apiBind where the API listens; loopback by default, since the API controls the machine
 * @param apiPort the API's port (0: any free one)
 * @param domain environments are served at {@code APP-ENV.DOMAIN}
 * @param tls the router's HTTPS listener and its certificates; null for none
 * @param keepReleases how many of each environment's newest releases keep their build on disk; 0 for all
 */
public record ServerConfig(Path dataDir, String httpBind, int httpPort, String apiBind, int apiPort, String domain,
        Clock clock, TlsConfig tls, int keepReleases) {

    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_API_PORT = 7070;
    public static final String DEFAULT_DOMAIN = "localhost";

    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        requirePort("http-port", httpPort);
        requirePort("api-port", apiPort);
        if (domain == null || domain.isBlank()) {
            throw new IllegalArgumentException("domain: '" + domain + "' (expected: a DNS name such as localhost)");
        }
        for (String label : domain.split("\\.", -1)) {
            EnvRef.requireLabel("domain", label);
        }
        Objects.requireNonNull(clock, "clock");
        if (keepReleases < 0) {
            throw new IllegalArgumentException("keep-releases: " + keepReleases + " (expected: 1 or more; leave it out "
                    + "to keep the build of every release)");
        }
    }

    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig(dataDir, "0.0.0.0", DEFAULT_HTTP_PORT, "127.0.0.1", DEFAULT_API_PORT,
                DEFAULT_DOMAIN, Clock.systemUTC(), null, 0);
    }

    public ServerConfig withPorts(int http, int api) {
        return new ServerConfig(dataDir, httpBind, http, apiBind, api, domain, clock, tls, keepReleases);
    }

    public ServerConfig withTls(TlsConfig newTls) {
        return new ServerConfig(dataDir, httpBind, httpPort, apiBind, apiPort, domain, clock, newTls, keepReleases);
    }

    private static void requirePort(String field, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(field + ": " + port + " (expected: 0-65535)");
        }
    }
}
