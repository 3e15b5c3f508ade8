package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.model.api.DeployRequest;
import dev.cutover.model.bundle.Bundle;
import dev.cutover.model.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploys racing for one environment through the HTTP API: the store lets exactly one through, the others get 409
 * naming it, and a loser leaves no release behind (its release and its deployment are one transaction).
 */
class DeployRaceIT {

    private static final String MANIFEST = """
            processes:
              web: { command: "exec python3 app.py", instances: 1 }
            health: { path: /health, interval: 200ms }
            """;
    private static final int RACERS = 8;

    @Test
    void racingDeploysLetExactlyOneThroughOnANewEnvironmentAndOnOneThatServes(@TempDir Path tmp) throws Exception {
        Path app = RunningServer.example(tmp, "hello-python", "app");
        RunningServer.writeManifest(app, MANIFEST);
        try (RunningServer server = RunningServer.start(tmp)) {
            String build = Bundle.pack(app, tmp.resolve("app.tar.gz"));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> upload = http.send(request(server, "/api/builds/" + build)
                    .PUT(HttpRequest.BodyPublishers.ofFile(tmp.resolve("app.tar.gz"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);

            long first = race(server, http, build, "a");
            awaitSucceeded(server, first);
            race(server, http, build, "b");

            JsonNode releases = Json.mapper().readTree(http.send(request(server,
                    "/api/apps/race/envs/production/releases").GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(releases.findValuesAsText("version")).as("one release per race, no loser's").hasSize(2)
                    .allMatch(v -> v.startsWith("a-") || v.startsWith("b-"));
        }
    }

    /** Sends {@link #RACERS} deploys at once; returns the one deployment that went through. */
    private static long race(RunningServer server, HttpClient http, String build, String round) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(RACERS)) {
            for (int i = 0; i < RACERS; i++) {
                String body = Json.mapper().writeValueAsString(
                        new DeployRequest(build, round + "-" + i, null, Map.of()));
                answers.add(pool.submit(() -> {
                    go.await();
                    return http.send(request(server, "/api/apps/race/envs/production/deployments")
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(), HttpResponse.BodyHandlers.ofString());
                }));
            }
            go.countDown();
            List<Long> through = new ArrayList<>();
            List<Long> namedAsRunning = new ArrayList<>();
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get();
                JsonNode json = Json.mapper().readTree(r.body());
                if (r.statusCode() == 201) {
                    through.add(json.get("id").asLong());
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
                    assertThat(json.get("error").asText()).contains("is in progress");
                    namedAsRunning.add(json.get("deployment").asLong());
                }
            }
            assertThat(through).as("round " + round).hasSize(1);
            assertThat(namedAsRunning).hasSize(RACERS - 1).containsOnly(through.get(0));
            return through.get(0);
        }
    }

    private static void awaitSucceeded(RunningServer server, long deployment) {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                server.status("race").deployment().id() == deployment && server.status("race").deployment().finished());
        assertThat(server.status("race").deployment().phase()).isEqualTo("succeeded");
    }

    private static HttpRequest.Builder request(RunningServer server, String path) {
        return HttpRequest.newBuilder(URI.create(server.controller.apiUrl() + path))
                .header("Authorization", "Bearer " + server.controller.token());
    }
}
