package dev.cutover.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.cutover.model.agent.AgentClient;
import dev.cutover.model.api.ApiError;
import dev.cutover.model.api.AppView;
import dev.cutover.model.api.ConfigChange;
import dev.cutover.model.api.ConfigView;
import dev.cutover.model.api.ScaleRequest;
import dev.cutover.model.api.ScaleView;
import dev.cutover.model.api.DeployRequest;
import dev.cutover.model.api.DeploymentView;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.HostView;
import dev.cutover.model.api.ReleaseView;
import dev.cutover.model.api.RemovalView;
import dev.cutover.model.api.RollbackRequest;
import dev.cutover.engine.preview.DryRun;
import dev.cutover.engine.preview.PreviewStep;
import dev.cutover.engine.rollout.ReleaseShape;
import dev.cutover.engine.rollout.RolloutSpec;
import dev.cutover.model.api.PlanRequest;
import dev.cutover.model.api.PlanView;
import dev.cutover.model.json.Json;
import dev.cutover.model.manifest.Manifest;
import dev.cutover.server.control.ReleaseCatalog;
import dev.cutover.model.manifest.ManifestReader;
import dev.cutover.model.name.EnvRef;
import dev.cutover.server.deploy.Deployer;
import dev.cutover.store.BlobStore;
import dev.cutover.store.Builds;
import dev.cutover.store.Configs;
import dev.cutover.store.DeploymentRow;
import dev.cutover.store.Deployments;
import dev.cutover.store.EnvRow;
import dev.cutover.server.control.ControlLoop;
import dev.cutover.store.Environments;
import dev.cutover.store.Releases;
import dev.cutover.store.ReleaseRuns;
import dev.cutover.store.Store;
import dev.cutover.store.Tokens;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's HTTP API. Every route needs a valid token ({@code Authorization: Bearer TOKEN}). Bodies are JSON
 * of the records in {@code dev.cutover.model.api}; every failure is an {@link ApiError} with a status that says
 * whose fault it was. Handlers run on Jetty's virtual threads.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final String ENV = "/api/apps/{app}/envs/{env}";

    private final Store store;
    private final BlobStore blobs;
    private final Deployer deployer;
    private final AgentClient agent;
    private final Views views;
    private final Clock clock;
    private final ReleaseCatalog catalog;
    private final Javalin app;
    private volatile java.util.function.Supplier<String> metricsSource;

    private ApiServer(Store store, BlobStore blobs, Deployer deployer, AgentClient agent, Views views, Clock clock,
            ReleaseCatalog catalog, ServerSocketChannel socket) {
        this.catalog = catalog;
        this.store = store;
        this.blobs = blobs;
        this.deployer = deployer;
        this.agent = agent;
        this.views = views;
        this.clock = clock;
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                try {
                    connector.open(socket);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return connector;
            });
            config.http.maxRequestSize = 2L * 1024 * 1024 * 1024;
            config.routes.before("/api/*", this::authenticate);
            // The router's Prometheus metrics: behind the same token as the API (a scraper sends it as a bearer
            // token); they name every environment and instance this server runs.
            config.routes.before("/metrics", this::authenticate);
            config.routes.get("/metrics", this::metrics);
            config.routes.head("/api/builds/{sha}", this::hasBuild);
            config.routes.put("/api/builds/{sha}", this::putBuild);
            config.routes.get("/api/apps", this::apps);
            config.routes.get("/api/hosts", ctx -> json(ctx, store.read(h -> List.of(views.host(h)))));
            config.routes.get("/api/hosts/{host}", this::host);
            config.routes.get(ENV, this::status);
            config.routes.delete(ENV, this::remove);
            config.routes.post(ENV + "/deployments", this::deploy);
            config.routes.get(ENV + "/releases", this::releases);
            config.routes.post(ENV + "/rollback", this::rollback);
            config.routes.post(ENV + "/abort", this::abort);
            config.routes.post(ENV + "/plan", this::plan);
            config.routes.post(ENV + "/promote", ctx -> json(ctx, deploymentView(ref(ctx), deployer.promote(ref(ctx)))));
            config.routes.post(ENV + "/pause", ctx -> json(ctx, deploymentView(ref(ctx), deployer.pause(ref(ctx), true))));
            config.routes.post(ENV + "/resume", ctx -> json(ctx, deploymentView(ref(ctx), deployer.pause(ref(ctx), false))));
            config.routes.get(ENV + "/config", this::config);
            config.routes.post(ENV + "/config", this::configure);
            config.routes.get(ENV + "/scale", this::scaling);
            config.routes.post(ENV + "/scale", this::scale);
            config.routes.get("/api/deployments/{id}", this::deployment);
            config.routes.get("/api/instances/{id}/log", this::log);
            ExecRoutes execs = new ExecRoutes(store, agent);
            config.routes.post(ENV + "/execs", execs::start);
            config.routes.get("/api/execs/{id}/output", execs::output);
            config.routes.post("/api/execs/{id}/input", execs::input);
            config.routes.post("/api/execs/{id}/kill", execs::kill);
            config.routes.exception(ApiException.class, (e, ctx) -> json(ctx.status(e.status()), e.body()));
            config.routes.exception(BlobStore.DigestMismatchException.class, (e, ctx) ->
                    json(ctx.status(400), new ApiError(e.getMessage(), "build", null)));
            config.routes.exception(IllegalArgumentException.class, (e, ctx) ->
                    json(ctx.status(400), new ApiError(e.getMessage(), fieldOf(e.getMessage()), null)));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                json(ctx.status(500), ApiError.of("internal error: " + e + "; the server log has the details"));
            });
            config.routes.error(404, "*", ctx -> {
                // A 404 of a route (no such app, ...) is JSON already; one with no route has Javalin's text.
                String type = ctx.res().getContentType();
                if (type == null || !type.startsWith("application/json")) {
                    json(ctx, ApiError.of("no such API route: " + ctx.method() + " " + ctx.path()));
                }
            });
        });
        app.start();
    }

    /**
     * Serves the API on {@code socket}, a listening socket from {@link #listen}: connections that arrived before
     * this waited in its queue, and are answered now.
     */
    public static ApiServer start(Store store, BlobStore blobs, Deployer deployer, AgentClient agent, ControlLoop loop,
            Clock clock, ReleaseCatalog catalog, String domain, int httpPort, ServerSocketChannel socket) {
        return new ApiServer(store, blobs, deployer, agent, new Views(agent, loop, clock, domain, httpPort), clock,
                catalog, socket);
    }

    /**
     * Binds the API's port before there is anything to serve on it: from then on a client's connection waits in the
     * socket's queue until {@link #start} answers it, instead of being refused while the server starts.
     *
     * @throws java.net.BindException when the port is taken or the address is not this machine's
     */
    public static ServerSocketChannel listen(String bind, int port) throws IOException {
        InetSocketAddress address = new InetSocketAddress(bind, port);
        if (address.isUnresolved()) {
            throw new BindException("unresolved address: " + bind);
        }
        ServerSocketChannel socket = ServerSocketChannel.open();
        try {
            socket.bind(address);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    public int port() {
        return app.port();
    }

    /** Serves {@code GET /metrics} (Prometheus text) from the given source, e.g. the router's. */
    public void serveMetrics(java.util.function.Supplier<String> source) {
        this.metricsSource = source;
    }

    private void metrics(Context ctx) {
        java.util.function.Supplier<String> source = metricsSource;
        if (source == null) {
            throw new ApiException(404, ApiError.of("no metrics on this server"));
        }
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(source.get());
    }

    private void authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        String token = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : null;
        if (token == null || token.isEmpty() || store.read(h -> Tokens.role(h, token)).isEmpty()) {
            throw new ApiException(401, ApiError.of(token == null
                    ? "no API token: send Authorization: Bearer TOKEN (the CLI reads it from the credentials file "
                            + "the server wrote on first start, or from --token / CUTOVER_TOKEN)"
                    : "the API token is not valid for this server; use the one it wrote on first start"));
        }
    }

    private void hasBuild(Context ctx) {
        // asked before a deploy: the build is wanted again, so BuildRetention counts its age from now
        // and a build deleted as an old release's is missing, whatever is left of its file (BuildRetention)
        String sha = ctx.pathParam("sha");
        ctx.status(blobs.touch(sha, clock.instant()) && store.read(h -> Builds.exists(h, sha)) ? 200 : 404);
    }

    private void putBuild(Context ctx) throws IOException {
        String sha = ctx.pathParam("sha");
        BlobStore.requireSha256(sha);
        long size = blobs.put(sha, ctx.bodyInputStream());
        Instant now = clock.instant();
        store.tx(h -> {
            Builds.record(h, sha, size, now);
            return null;
        });
        json(ctx.status(201), Map.of("build", sha, "size", size));
    }

    private void apps(Context ctx) {
        json(ctx, store.read(h -> {
            Map<String, List<EnvStatus>> byApp = new LinkedHashMap<>();
            for (EnvRow env : Environments.all(h)) {
                byApp.computeIfAbsent(env.app(), k -> new ArrayList<>()).add(views.status(h, env));
            }
            List<AppView> apps = new ArrayList<>();
            byApp.forEach((name, envs) -> apps.add(new AppView(name, envs)));
            return apps;
        }));
    }

    private void host(Context ctx) {
        String name = ctx.pathParam("host");
        HostView host = store.read(views::host);
        if (!host.name().equals(name)) {
            throw ApiException.notFound("no such host: " + name + " (expected one of: " + host.name() + ")");
        }
        json(ctx, host);
    }

    private void status(Context ctx) {
        EnvRef ref = ref(ctx);
        json(ctx, store.read(h -> views.status(h, Deployer.existing(h, ref))));
    }

    private void deploy(Context ctx) {
        EnvRef ref = ref(ctx);
        DeployRequest req = body(ctx, DeployRequest.class);
        long id = deployer.deploy(ref, req.build(), req.version(),
                new ManifestReader.DeployOverrides(req.strategy(), req.set()));
        json(ctx.status(201), deploymentView(ref, id));
    }

    /** What a deploy with this manifest would do: the real planner, run against a world where all goes well. */
    private void plan(Context ctx) {
        EnvRef ref = ref(ctx);
        Manifest manifest = body(ctx, PlanRequest.class).manifest();
        if (manifest == null) {
            throw ApiException.badRequest("manifest", "manifest: missing (expected: the manifest to plan with)");
        }
        deployer.requireServable(manifest);
        PlanView view = store.read(h -> {
            EnvRow env = Environments.find(h, ref.app(), ref.env()).orElse(null);
            Integer serving = env == null ? null : env.servingRelease();
            Map<String, Integer> formation = env == null ? Map.of() : env.formation();
            ReleaseShape stable = serving == null ? ReleaseShape.none()
                    : catalog.get(h, env.id(), serving).shape().withCounts(formation);
            int next = env == null ? 1 : Releases.list(h, env.id()).stream().mapToInt(r -> r.number()).max().orElse(0) + 1;
            ReleaseShape target = dev.cutover.server.control.ReleaseInfo.shapeOf(next, manifest).withCounts(formation);
            RolloutSpec spec = new RolloutSpec(target, stable, manifest.deploy(), manifest.release());
            List<PreviewStep> steps = DryRun.simulate(spec, stable.count("web"), manifest.health());
            long minimum = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).atMillis();
            return new PlanView(ref.app(), ref.env(), manifest.deploy().strategy(), serving == null ? 0 : serving,
                    stable.count("web"), target.count("web"), steps.stream().map(s -> new PlanView.Line(s.atMillis(),
                            s.what(), s.oldInstances(), s.newInstances(), s.newTrafficPercent(), s.capacityPercent()))
                            .toList(), minimum);
        });
        json(ctx, view);
    }

    /** {@code cutover scale APP}: the counts now; nothing changes. */
    private void scaling(Context ctx) {
        scaled(ctx, Map.of(), 200);
    }

    /** {@code cutover scale APP TYPE=N ...}: a scale deployment of the serving release, or nothing to change. */
    private void scale(Context ctx) {
        Map<String, Integer> wanted = body(ctx, ScaleRequest.class).processes();
        if (wanted.isEmpty()) {
            throw ApiException.badRequest("processes", "processes: none named (expected: a count for at least one "
                    + "process type, e.g. {\"processes\": {\"web\": 3}})");
        }
        scaled(ctx, wanted, 201);
    }

    private void scaled(Context ctx, Map<String, Integer> wanted, int created) {
        EnvRef ref = ref(ctx);
        Deployer.Scaling s = deployer.scale(ref, wanted);
        json(ctx.status(s.deployment().isPresent() ? created : 200), store.read(h -> {
            EnvRow env = Deployer.existing(h, ref);
            return new ScaleView(env.app(), env.name(), s.current(), s.target(), s.manifest(), s.deployment()
                    .map(id -> views.deployment(h, env, Deployments.get(h, id).orElseThrow(), 0)).orElse(null));
        }));
    }

    /**
     * {@code cutover apps delete}: 200 when the environment is gone at once, 202 when its removal has started (or was
     * already under way) and it goes once its instances have stopped.
     */
    private void remove(Context ctx) {
        EnvRef ref = ref(ctx);
        Deployer.Removal r = deployer.remove(ref);
        DeploymentView d = r.deployment().map(id -> deploymentView(ref, id)).orElse(null);
        json(ctx.status(r.removed() ? 200 : 202), new RemovalView(ref.app(), ref.env(), r.removed(), r.stopping(), d));
    }

    private void releases(Context ctx) {
        EnvRef ref = ref(ctx);
        json(ctx, store.read(h -> {
            EnvRow env = Deployer.existing(h, ref);
            Map<Integer, DeploymentRow> made = Deployments.firstByRelease(h, env.id());
            return Releases.list(h, env.id()).stream().map(r -> Views.release(r, env, made.get(r.number()))).toList();
        }));
    }

    private void rollback(Context ctx) {
        EnvRef ref = ref(ctx);
        RollbackRequest req = body(ctx, RollbackRequest.class, new RollbackRequest(null));
        long id = deployer.rollback(ref, req.to());
        json(ctx.status(201), deploymentView(ref, id));
    }

    private void abort(Context ctx) {
        EnvRef ref = ref(ctx);
        long id = deployer.abort(ref);
        json(ctx, deploymentView(ref, id));
    }

    private void config(Context ctx) {
        EnvRef ref = ref(ctx);
        json(ctx, store.read(h -> {
            EnvRow env = Deployer.existing(h, ref);
            return new ConfigView(env.app(), env.name(), env.configRevision(),
                    Configs.vars(h, env.id(), env.configRevision()), null, null);
        }));
    }

    private void configure(Context ctx) {
        EnvRef ref = ref(ctx);
        ConfigChange change = body(ctx, ConfigChange.class);
        Deployer.Configuring done = deployer.configure(ref, change);
        json(ctx, store.read(h -> {
            EnvRow env = Deployer.existing(h, ref);
            return new ConfigView(env.app(), env.name(), env.configRevision(),
                    Configs.vars(h, env.id(), env.configRevision()),
                    done.deployment().map(id -> views.deployment(h, env, Deployments.get(h, id).orElseThrow(), 0))
                            .orElse(null), done.changed());
        }));
    }

    private void deployment(Context ctx) {
        long id = parseLong("id", ctx.pathParam("id"));
        int after = ctx.queryParam("after") == null ? 0 : (int) parseLong("after", ctx.queryParam("after"));
        json(ctx, store.read(h -> {
            var d = Deployments.get(h, id).orElseThrow(() -> ApiException.notFound("no deployment " + id));
            return views.deployment(h, Environments.get(h, d.envId()), d, after);
        }));
    }

    private void log(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        long offset = ctx.queryParam("offset") == null ? -8192 : parseLong("offset", ctx.queryParam("offset"));
        int max = ctx.queryParam("max") == null ? 65536 : (int) Math.min(1 << 20, parseLong("max", ctx.queryParam("max")));
        // an instance, or a release command's run: its output is an instance log too
        boolean known = store.read(h -> h.createQuery("SELECT COUNT(*) FROM instances WHERE id = :id")
                .bind("id", id).mapTo(Integer.class).one() > 0 || ReleaseRuns.known(h, id));
        if (!known) {
            throw ApiException.notFound("no instance or release command run " + id
                    + " (cutover status APP/ENV lists them)");
        }
        String app = ctx.queryParam("app");
        String env = ctx.queryParam("env");
        if (app != null && env != null) {
            // asked as one of an environment's (cutover logs APP --instance ID): another's is not an answer
            boolean ours = store.read(h -> Environments.find(h, app, env).map(e -> h.createQuery(
                    "SELECT (SELECT COUNT(*) FROM instances WHERE id = :id AND env_id = :e) + (SELECT COUNT(*) FROM "
                            + "deployments WHERE release_run = :id AND env_id = :e)").bind("id", id).bind("e", e.id())
                    .mapTo(Integer.class).one() > 0).orElse(false));
            if (!ours) {
                throw ApiException.notFound("no instance or release command run " + id + " in " + app + "/" + env
                        + " (cutover status " + app + "/" + env + " lists its instances; dN-release is the release "
                        + "command of its deployment N)");
            }
        }
        String since = ctx.queryParam("since");
        json(ctx, since == null ? agent.readLog(id, offset, max) : agent.readLog(id, sinceInstant(since), max));
    }

    /** {@code since=10m} (that long before now, by the server's clock) or an ISO instant. */
    private Instant sinceInstant(String text) {
        java.time.Duration ago = dev.cutover.model.manifest.DurationText.parseOrNull(text);
        if (ago != null) {
            return clock.instant().minus(ago);
        }
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest("since",
                    "since: '" + text + "' (expected: a duration such as 30s, 10m or 2h, or an ISO instant)");
        }
    }

    private DeploymentView deploymentView(EnvRef ref, long id) {
        return store.read(h -> {
            EnvRow env = Deployer.existing(h, ref);
            return views.deployment(h, env, Deployments.get(h, id).orElseThrow(), 0);
        });
    }

    private static EnvRef ref(Context ctx) {
        try {
            return new EnvRef(ctx.pathParam("app"), ctx.pathParam("env"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(fieldOf(e.getMessage()), e.getMessage());
        }
    }

    private static <T> T body(Context ctx, Class<T> type) {
        return body(ctx, type, null);
    }

    /** Parses the JSON body; an empty body is {@code whenEmpty}, or an error when that is null. */
    private static <T> T body(Context ctx, Class<T> type, T whenEmpty) {
        byte[] bytes = ctx.bodyAsBytes();
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).strip();
        if (whenEmpty != null && (text.isEmpty() || text.equals("null"))) {
            return whenEmpty;
        }
        try {
            T value = Json.mapper().readValue(bytes, type);
            if (value == null) {
                throw ApiException.badRequest("body", "body: empty (expected: a JSON " + type.getSimpleName() + ")");
            }
            return value;
        } catch (InvalidFormatException e) {
            // a value of the wrong kind: name its field and the value, not the parser's internals
            String field = fieldPath(e);
            throw ApiException.badRequest(field, field + ": " + e.getValue() + " (expected: "
                    + expectedKind(e.getTargetType()) + ")");
        } catch (MismatchedInputException e) {
            // an object where a list goes, a number where an object goes, ...: name the field, not the Java type
            String field = fieldPath(e);
            throw ApiException.badRequest(field, field + ": the wrong kind of value (expected: "
                    + expectedKind(e.getTargetType()) + ")");
        } catch (JsonProcessingException e) {
            if (e instanceof ValueInstantiationException && e.getCause() instanceof IllegalArgumentException bad) {
                // the request type refused a value itself, naming the field
                throw ApiException.badRequest(fieldOf(bad.getMessage()), bad.getMessage());
            }
            if (e instanceof ValueInstantiationException && e.getCause() instanceof NullPointerException) {
                String field = fieldPath((JsonMappingException) e);
                throw ApiException.badRequest(field, field + ": holds a null (expected: a value wherever one is "
                        + "given; leave a key out rather than set it to null)");
            }
            throw ApiException.badRequest("body", "body: not a valid " + type.getSimpleName() + " (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw ApiException.badRequest("body", "body: unreadable (" + e.getMessage() + ")");
        }
    }

    /** The JSON path of the value a parse failed on, as {@code processes.web}. */
    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    private static String expectedKind(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type != null && (type.isArray() || java.util.Collection.class.isAssignableFrom(type))) {
            return "a list";
        }
        return "an object";
    }

    private static long parseLong(String field, String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(field, field + ": '" + text + "' (expected: an integer)");
        }
    }

    private static String fieldOf(String message) {
        int colon = message == null ? -1 : message.indexOf(':');
        return colon > 0 && !message.substring(0, colon).contains(" ") ? message.substring(0, colon) : null;
    }

    private static void json(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(Json.mapper().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response as JSON", e);
        }
    }

    @Override
    public void close() {
        app.stop();
    }

}
