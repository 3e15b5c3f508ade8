package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RollbackCommandTest {

    /** Release 2 labelled v1 (a config change of v1), release 3 labelled v2, as `cutover releases` lists them. */
    private static final String RELEASES = """
            [{"number": 3, "version": "v2", "build": "%1$s", "configRevision": 1, "kind": "deploy",
              "serving": true, "createdAt": "2026-12-06T07:00:00Z"},
             {"number": 2, "version": "v1", "build": "%1$s", "configRevision": 1, "kind": "config",
              "serving": false, "createdAt": "2026-12-06T06:00:00Z"},
             {"number": 1, "version": "v1", "build": "%1$s", "configRevision": 0, "kind": "deploy",
              "serving": false, "createdAt": "2026-12-06T05:00:00Z"}]
            """.formatted("ab".repeat(32));

    @ParameterizedTest
    @CsvSource({"-1", "v-1", "banana", "v0", "0", "v99999999999", "v+3"})
    void aToThatIsNotAReleaseNumberIsAUsageErrorSaidTheSameWay(String to) throws Exception {
        HttpServer api = JsonServer.answering(0, 200, RELEASES);
        try {
            StringWriter err = new StringWriter();
            int exit = run(api, err, "rollback", "shop", "--to=" + to);

            assertThat(exit).isEqualTo(CliException.USAGE);
            assertThat(err.toString()).contains("error: --to: '" + to + "' (expected: a release such as v3; cutover "
                    + "releases shop/production lists them)");
        } finally {
            api.stop(0);
        }
    }

    @Test
    void aReleaseNumberThatIsAlsoAnotherReleasesLabelIsRefusedAndBothAreNamed() throws Exception {
        HttpServer api = JsonServer.answering(0, 200, RELEASES);
        try {
            StringWriter err = new StringWriter();
            int exit = run(api, err, "rollback", "shop", "--to", "v2");

            assertThat(exit).isEqualTo(CliException.USAGE);
            assertThat(err.toString()).contains("error: --to: 'v2' is ambiguous: it names release v2 (version v1), and "
                    + "it is the version label of v3 (expected: --to 2 for release v2, or --to 3 for the release "
                    + "labelled v2)");
        } finally {
            api.stop(0);
        }
    }

    @Test
    void aRollbackToAReleaseThatNeverPassedItsOwnDeploymentSaysSo() throws Exception {
        String releases = RELEASES.replace("\"createdAt\": \"2026-12-06T06:00:00Z\"",
                "\"createdAt\": \"2026-12-06T06:00:00Z\", \"outcome\": \"rolled-back (exited)\"");
        String rollback = TURNED_AROUND.replace("\"kind\": \"deploy\"", "\"kind\": \"rollback\"")
                .formatted("rolling", "running", "null", "null", "null", "");
        String env = """
                {"app": "shop", "env": "production", "url": "http://shop-production.localhost:8080/", "instances": [],
                 "traffic": [], "stopped": []}""";
        HttpServer api = answering(exchange -> exchange.getRequestURI().getPath().endsWith("/releases") ? releases
                : exchange.getRequestURI().getPath().endsWith("/production") ? env : rollback);
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = run(api, out, err, "rollback", "shop", "--to", "2");

            assertThat(exit).as(out + "" + err).isZero();
            assertThat(err.toString()).contains("note: v2 never passed its own deployment (rolled-back (exited)); the "
                    + "rollback to it is health-checked as a deployment is");
            StringWriter plain = new StringWriter();
            assertThat(run(api, new StringWriter(), plain, "rollback", "shop", "--to", "1")).isZero();
            assertThat(plain.toString()).doesNotContain("note:");
        } finally {
            api.stop(0);
        }
    }

    /**
     * A deployment in progress (blue-green in keep-old, rolling in its watch), as the rollback request returns it, and
     * as it ends.
     */
    private static final String TURNED_AROUND = """
            {"id": 5, "app": "shop", "env": "production", "release": 4, "previousRelease": 3, "version": "v4",
             "kind": "deploy", "strategy": "%s", "phase": "%s", "step": "done", "reason": %s,
             "message": null, "createdAt": "2026-12-06T07:00:00Z", "finishedAt": %s, "awaiting": %s,
             "releaseCommand": null, "events": [%s]}
            """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "blue-green | rolling back to v3: traffic goes back to it at once, its instances are still running; no "
                + "process starts",
        "rolling    | rolling back to v3 by rolling"})
    void rollbackWaitsForATurnedAroundDeploymentToEndAndSaysOnlyWhatCameAfterTheRequest(String strategy, String how)
            throws Exception {
        String before = """
                {"seq": 6, "at": "2026-12-06T07:00:09Z", "message": "v4 serves all traffic; keeping v3 warm"}""";
        String after = """
                {"seq": 7, "at": "2026-12-06T07:00:20Z", "message": "switching all traffic back to v3"},
                {"seq": 8, "at": "2026-12-06T07:00:21Z", "message": "rolled back: v3 is serving"}""";
        // the request comes back before the controller has turned the deployment around: still keeping old
        HttpServer api = answering(exchange -> exchange.getRequestMethod().equals("POST")
                ? TURNED_AROUND.formatted(strategy, "running", "null", "null", "\"keep-old\"", before)
                : TURNED_AROUND.formatted(strategy, "rolled-back", "\"aborted\"", "\"2026-12-06T07:00:21Z\"", "null",
                        after));
        try {
            StringWriter out = new StringWriter();
            int exit = run(api, out, new StringWriter(), "rollback", "shop", "--wait");

            assertThat(exit).as(out.toString()).isZero();
            assertThat(out.toString()).contains("deployment 5 (v4) is " + how + "\n")
                    .containsSubsequence("switching all traffic back to v3", "rolled back: v3 is serving",
                            "rolled back: v3 is serving shop/production")
                    .doesNotContain("keeping v3 warm", "FAILED");
        } finally {
            api.stop(0);
        }
    }

    @Test
    void withJsonATurnedAroundDeploymentIsWaitedForToItsEndAndRolledBackIsSuccess() throws Exception {
        String before = """
                {"seq": 6, "at": "2026-12-06T07:00:09Z", "message": "v4 serves all traffic; keeping v3 warm"}""";
        HttpServer api = answering(exchange -> exchange.getRequestMethod().equals("POST")
                ? TURNED_AROUND.formatted("blue-green", "running", "null", "null", "\"keep-old\"", before)
                : TURNED_AROUND.formatted("blue-green", "rolled-back", "\"aborted\"", "\"2026-12-06T07:00:21Z\"",
                        "null", ""));
        try {
            StringWriter out = new StringWriter();
            int exit = run(api, out, new StringWriter(), "rollback", "shop", "--wait", "--output", "json");

            assertThat(exit).as(out.toString()).isZero();
            assertThat(out.toString()).contains("\"phase\" : \"rolled-back\"").doesNotContain("keep-old");
        } finally {
            api.stop(0);
        }
    }

    @Test
    void withJsonAWaitEndsAsTheTextOneDoesWhenTheNewReleaseServesWithTheOldSetKeptWarm() throws Exception {
        // a rollback to a blue-green release is blue-green too: once watched, it keeps the set it left warm
        String rollback = TURNED_AROUND.replace("\"kind\": \"deploy\"", "\"kind\": \"rollback\"")
                .formatted("blue-green", "running", "null", "null", "\"keep-old\"", "");
        String env = """
                {"app": "shop", "env": "production", "url": "http://shop-production.localhost:8080/", "instances": [],
                 "traffic": [], "stopped": []}""";
        HttpServer api = answering(exchange -> exchange.getRequestURI().getPath().endsWith("/production")
                ? env : rollback);
        try {
            StringWriter out = new StringWriter();
            int exit = run(api, out, new StringWriter(), "rollback", "shop", "--wait", "--output", "json");

            assertThat(exit).as(out.toString()).isZero();
            assertThat(out.toString()).contains("\"awaiting\" : \"keep-old\"");
        } finally {
            api.stop(0);
        }
    }

    /** A real HTTP server on loopback answering each request with the JSON {@code body} gives for it. */
    private static HttpServer answering(Function<HttpExchange, String> body) throws Exception {
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", exchange -> {
            byte[] bytes = body.apply(exchange).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        api.start();
        return api;
    }

    private static int run(HttpServer api, StringWriter err, String... args) {
        return run(api, new StringWriter(), err, args);
    }

    private static int run(HttpServer api, StringWriter out, StringWriter err, String... args) {
        return JsonServer.cli(api, out, err, args);
    }
}
