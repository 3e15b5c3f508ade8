package dev.cutover.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.model.api.ApiError;
import dev.cutover.model.json.Json;
import dev.cutover.model.name.EnvRef;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** The CLI's only way to the controller: its HTTP API, with the token. */
public final class ApiClient {

    private static final ObjectMapper JSON = Json.mapper();

    private final String base;
    private final String token;
    private final HttpClient http;

    public ApiClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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
            throw new CliException("cannot read " + bundle + ": " + e.getMessage(), CliException.USAGE);
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
        HttpResponse<byte[]> r = exchange(request);
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
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new CliException("cannot reach the Cutover API at " + base + ": is `cutover server` running? "
                    + "(set --api or CUTOVER_API for another address)", CliException.API);
        } catch (IOException e) {
            throw new CliException("request to " + base + request.uri().getPath() + " failed: " + e, CliException.API);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", CliException.API);
        }
    }

    private static CliException failure(HttpResponse<byte[]> r) {
        String message;
        try {
            message = JSON.readValue(r.body(), ApiError.class).error();
        } catch (IOException | RuntimeException e) {
            message = "HTTP " + r.statusCode() + (r.body().length == 0 ? "" : ": " + new String(r.body()).strip());
        }
        int code = r.statusCode() / 100 == 4 && r.statusCode() != 401 ? CliException.USAGE : CliException.API;
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
