package dev.cutover.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cutover.model.agent.AgentClient;
import dev.cutover.model.agent.ExecChunk;
import dev.cutover.model.agent.ExecRequest;
import dev.cutover.model.api.ExecStart;
import dev.cutover.model.json.Json;
import dev.cutover.model.name.EnvRef;
import dev.cutover.server.deploy.Deployer;
import dev.cutover.store.EnvRow;
import dev.cutover.store.InstanceRow;
import dev.cutover.store.Instances;
import dev.cutover.store.Store;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code cutover exec} over HTTP: start, then poll the output by offset (long poll, up to {@code wait} ms), send
 * stdin, kill. An exec belongs to the agent that runs it; these routes only pick the instance and pass calls on.
 *
 * <pre>
 *  POST /api/apps/{app}/envs/{env}/execs        ExecStart → 201 ExecStarted
 *  GET  /api/execs/{id}/output?offset=&errOffset=&max=&wait=   → ExecChunk (stdout and stderr past the offsets;
 *                                                    exitCode set once all of both was read)
 *  POST /api/execs/{id}/input?close=true|false  raw bytes → {"accepted": true|false}
 *  POST /api/execs/{id}/kill                        → {"killed": true|false}
 * </pre>
 */
final class ExecRoutes {

    static final long MAX_WAIT_MILLIS = 10_000;
    private static final long POLL_MILLIS = 25;

    private final Store store;
    private final AgentClient agent;

    ExecRoutes(Store store, AgentClient agent) {
        this.store = store;
        this.agent = agent;
    }

    void start(Context ctx) throws IOException {
        EnvRef ref;
        try {
            ref = new EnvRef(ctx.pathParam("app"), ctx.pathParam("env"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(null, e.getMessage());
        }
        ExecStart body;
        try {
            body = Json.mapper().readValue(ctx.bodyAsBytes(), ExecStart.class);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body", "body: not a valid ExecStart (" + e.getOriginalMessage() + ")");
        }
        if (body == null || body.command() == null || body.command().isEmpty() || body.command().get(0).isBlank()) {
            throw ApiException.badRequest("command",
                    "command: " + (body == null ? null : body.command()) + " (expected: a program and its arguments)");
        }
        String like = store.read(h -> {
            EnvRow env = Deployer.existing(h, ref);
            List<InstanceRow> running = Instances.runningIn(h, env.id());
            if (body.instance() != null) {
                return running.stream().filter(i -> i.id().equals(body.instance())).findFirst()
                        .orElseThrow(() -> ApiException.notFound("instance: " + body.instance()
                                + " (expected: a running instance of " + ref + "; cutover status " + ref
                                + " lists them)"))
                        .id();
            }
            if (env.servingRelease() == null) {
                throw ApiException.conflict(ref + " serves no release yet: deploy first", null);
            }
            return running.stream()
                    .filter(i -> i.release() == env.servingRelease())
                    .min(Comparator.comparing((InstanceRow i) -> !i.type().equals("web")).thenComparing(InstanceRow::id))
                    .orElseThrow(() -> ApiException.conflict("no running instance of " + ref + " v"
                            + env.servingRelease() + " to run like; scale a process type above 0", null))
                    .id();
        });
        json(ctx.status(201), agent.startExec(new ExecRequest(like, body.command(), body.stdin())));
    }

    void output(Context ctx) throws IOException {
        String id = ctx.pathParam("id");
        long offset = parseLong("offset", ctx.queryParam("offset"), 0);
        long errOffset = parseLong("errOffset", ctx.queryParam("errOffset"), 0);
        int max = (int) Math.max(1, Math.min(1 << 20, parseLong("max", ctx.queryParam("max"), 65536)));
        long wait = Math.max(0, Math.min(MAX_WAIT_MILLIS, parseLong("wait", ctx.queryParam("wait"), 0)));
        long deadline = System.nanoTime() + wait * 1_000_000;
        while (true) {
            ExecChunk chunk = agent.readExec(id, offset, errOffset, max);
            if (!chunk.empty() || chunk.done() || System.nanoTime() >= deadline) {
                json(ctx, chunk);
                return;
            }
            try {
                Thread.sleep(POLL_MILLIS); // a virtual thread: cheap to park
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                json(ctx, chunk);
                return;
            }
        }
    }

    void input(Context ctx) throws IOException {
        boolean close = "true".equals(ctx.queryParam("close"));
        json(ctx, Map.of("accepted", agent.writeExec(ctx.pathParam("id"), ctx.bodyAsBytes(), close)));
    }

    void kill(Context ctx) {
        json(ctx, Map.of("killed", agent.killExec(ctx.pathParam("id"))));
    }

    private static long parseLong(String field, String text, long fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(field, field + ": '" + text + "' (expected: an integer)");
        }
    }

    private static void json(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(Json.mapper().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response as JSON", e);
        }
    }
}
