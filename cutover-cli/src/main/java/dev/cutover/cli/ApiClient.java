package dev.cutover.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.model.api.ApiError;
import dev.cutover.model.json.Json;
import dev.cutover.model.manifest.DurationText;
import dev.cutover.model.name.EnvRef;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The CLI's only way to the controller: its HTTP API, with the token. A request the server refused (nothing of it was
 * sent) is tried again for {@link #REFUSED_WAIT}, so that a command meets a server that is starting, or that a new
 * one is taking over from, as a short wait rather than an error. A command that follows something over time asks
 * for a {@link #patient} client, which also rides out a server that is away for minutes: a crash and a restart.
 */
public final class ApiClient {

    /** How long a refused request is tried again; a server taking over from another opens its API within it. */
    static final Duration REFUSED_WAIT = Duration.ofSeconds(3);
    /** How long a {@link #patient} client waits for a server that went away. */
    static final Duration PATIENCE = Duration.ofMinutes(5);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);
    private static final ObjectMapper JSON = Json.mapper();

    private final String base;
    private final String token;
    private final HttpClient http;
    private final Duration serverWait;
    /** Where a patient client says that it waits for the server, and that it is back; null for the others. */
    private final Consumer<String> notices;

    public ApiClient(String base, String token) {
        this(base.endsWith("/") ? base.substring(0, base.length() - 1) : base, token,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), REFUSED_WAIT, null);
    }

    private ApiClient(String base, String token, HttpClient http, Duration serverWait, Consumer<String> notices) {
        this.base = base;
        this.token = token;
        this.http = http;
        this.serverWait = serverWait;
        this.notices = notices;
    }

    /**
     * A client for a command that follows something for as long as it lasts ({@code deploy --wait}, {@code logs
     * -f}): when the server does not answer (refused, or a connection lost before the answer of a read), it asks
     * again until {@code wait} has passed, and says through {@code notices} that it waits and when the server is
     * back. Only reads are repeated after a lost connection; a write the server may have acted on is not.
     */
    public ApiClient patient(Duration wait, Consumer<String> notices) {
        return new ApiClient(base, token, http, wait, notices);
    }

    public static String envPath(EnvRef ref) {
        return "/api/apps/" + ref.app() + "/envs/" + ref.env();
    }

    public <T> T get(String path, Class<T> type) {
        return send(request(path).GET().build(), JSON.constructType(type));
    }

    public <T> T get(String path, JavaType type) {
        return send(request(path).GET().build(), type);
    }

    /** A GET, or empty when the server answers 404 (there is no such thing). */
    public <T> Optional<T> find(String path, Class<T> type) {
        HttpRequest request = request(path).GET().build();
        HttpResponse<byte[]> r = exchange(request);
        return r.statusCode() == 404 ? Optional.empty() : Optional.of(read(request, r, JSON.constructType(type)));
    }

    public <T> T delete(String path, Class<T> type) {
        return send(request(path).DELETE().build(), JSON.constructType(type));
    }

    public <T> T post(String path, Object body, Class<T> type) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body))).build(), JSON.constructType(type));
    }

    /** Posts raw bytes to an endpoint that answers {@code {"accepted": true|false}}; returns that. */
    public boolean postBytes(String path, byte[] body) {
        HttpResponse<byte[]> r = exchange(request(path).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        if (r.statusCode() / 100 != 2) {
            throw failure(r);
        }
        try {
            return JSON.readTree(r.body()).path("accepted").asBoolean(false);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the server already has a build. */
    public boolean hasBuild(String sha) {
        HttpResponse<byte[]> r = exchange(request("/api/builds/" + sha).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build());
        if (r.statusCode() == 200) {
            return true;
        }
        if (r.statusCode() == 404) {
            return false;
        }
        throw failure(r);
    }

    public void uploadBuild(String sha, Path bundle) {
        try {
            HttpResponse<byte[]> r = exchange(request("/api/builds/" + sha).timeout(Duration.ofMinutes(10))
                    .header("Content-Type", "application/gzip").PUT(HttpRequest.BodyPublishers.ofFile(bundle)).build());
            if (r.statusCode() / 100 != 2) {
                throw failure(r);
            }
        } catch (java.io.FileNotFoundException e) {
            throw CliException.unreadable("cannot read " + bundle, e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private <T> T send(HttpRequest request, JavaType type) {
        return read(request, exchange(request), type);
    }

    private static <T> T read(HttpRequest request, HttpResponse<byte[]> r, JavaType type) {
        if (r.statusCode() / 100 != 2) {
            throw failure(r);
        }
        try {
            return JSON.readValue(r.body(), type);
        } catch (IOException e) {
            throw new CliException("the server's answer to " + request.uri().getPath() + " is not what this CLI expects ("
                    + e.getMessage() + "); are the CLI and the server the same version?", CliException.API);
        }
    }

    private HttpResponse<byte[]> exchange(HttpRequest request) {
        long firstFailure = 0;
        String waitingFor = null;
        while (true) {
            String why;
            try {
                HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (waitingFor != null) {
                    notices.accept("the server at " + base + " answers again");
                }
                return r;
            } catch (ConnectException e) {
                why = "connection refused"; // nothing of the request was sent: always safe to send again
            } catch (IOException e) {
                if (notices == null || !isRead(request)) {
                    throw CliException.serverAway("request to " + base + request.uri().getPath() + " failed: " + e
                            + (isRead(request) ? "" : "; whether the server acted on it is not known: look with "
                            + "cutover status before trying again"));
                }
                why = "connection lost: " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted", CliException.API);
            }
            long now = System.nanoTime();
            firstFailure = firstFailure == 0 ? now : firstFailure;
            if (now - firstFailure >= serverWait.toNanos()) {
                throw CliException.serverAway("cannot reach the Cutover API at " + base + " (" + why + ", for "
                        + DurationText.format(serverWait) + "): is `cutover server` running? (set --api or CUTOVER_API for "
                        + "another address)");
            }
            if (notices != null && waitingFor == null) {
                waitingFor = why;
                notices.accept("the server at " + base + " does not answer: " + why + "; waiting up to "
                        + DurationText.format(serverWait) + " for it to come back");
            }
            try {
                Thread.sleep(RETRY_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted", CliException.API);
            }
        }
    }

    private static boolean isRead(HttpRequest request) {
        return request.method().equals("GET") || request.method().equals("HEAD");
    }

    /** Whether a Cutover router, not the API, answers at {@code base}: its own answers carry X-Cutover-Error. */
    static boolean isRouter(String base) {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/apps"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.headers().firstValue("X-Cutover-Error").isPresent();
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code what} (a router, found where the API was looked for), and where the API is instead. */
    static CliException notTheApi(String what) {
        return new CliException(what + ", not the API: the API listens on the server's --api-port (7070 unless set); "
                + "give its URL with --api or CUTOVER_API", CliException.API);
    }

    private static CliException failure(HttpResponse<byte[]> r) {
        Optional<String> routerAnswer = r.headers().firstValue("X-Cutover-Error");
        if (routerAnswer.isPresent()) {
            return notTheApi(r.uri().getScheme() + "://" + r.uri().getAuthority() + " is a Cutover router (it "
                    + "answered " + r.statusCode() + " " + routerAnswer.get() + ")");
        }
        String message;
        try {
            message = JSON.readValue(r.body(), ApiError.class).error();
        } catch (IOException | RuntimeException e) {
            message = "HTTP " + r.statusCode() + (r.body().length == 0 ? "" : ": " + new String(r.body()).strip());
        }
        int code = r.statusCode() / 100 == 4 && r.statusCode() != 401 ? CliException.USAGE : CliException.API;
        if (r.statusCode() == 401) {
            message += " (this CLI looks for it in " + Credentials.file() + " under the API's URL; --token or "
                    + "CUTOVER_TOKEN give it instead)";
        }
        return new CliException(message, code);
    }

    private static byte[] bytes(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a request as JSON", e);
        }
    }
}
