package dev.cutover.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets a clear error that names the field, the value and what was expected, and changes nothing. */
class BadInputIT {

    @TempDir
    static Path tmp;
    static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        server = RunningServer.start(tmp);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aDirectoryWithoutManifestProcfileOrApplicationIsRejected() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("README"), "nothing to run");
        var r = server.cli("deploy", empty.toString(), "--to", "empty");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("has no cutover.yml, no Procfile and no executable named 'application'");
        assertNothingCreated("empty");
    }

    @Test
    void anUnknownManifestKeyIsNamed() throws Exception {
        Path app = RunningServer.example(tmp, "hello", "typo");
        RunningServer.writeManifest(app, "processes:\n  web: { comand: \"java Hello.java\" }\n");
        var r = server.cli("deploy", app.toString(), "--to", "typo");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("processes.web.comand: unknown key (expected one of: command, instances, overlap, stop-signals)");
        assertNothingCreated("typo");
    }

    @Test
    void aBadManifestValueNamesFieldValueAndExpectation() throws Exception {
        Path app = RunningServer.example(tmp, "hello", "negative");
        RunningServer.writeManifest(app, """
                processes:
                  web: { command: "java Hello.java", instances: -1 }
                """);
        var r = server.cli("deploy", app.toString(), "--to", "negative");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("processes.web.instances: -1 (expected: an integer from 0 to 1000)");

        RunningServer.writeManifest(app, """
                processes:
                  web: { command: "java Hello.java" }
                health: { interval: soon }
                """);
        r = server.cli("deploy", app.toString(), "--to", "negative");
        assertThat(r.err()).contains("health.interval: 'soon' (expected: a duration above zero such as 500ms, 5s, 10m or 1h)");
        assertNothingCreated("negative");
    }

    @Test
    void aRedirectToHttpsOnAServerWithoutHttpsIsRefusedByDeployAndPlan() throws Exception {
        Path app = RunningServer.example(tmp, "hello", "redirecting");
        RunningServer.writeManifest(app, """
                processes:
                  web: { command: "java Hello.java" }
                routing: { redirect-https: true }
                """);
        for (String command : new String[] {"deploy", "plan"}) {
            var r = server.cli(command, app.toString(), "--to", "redirecting");
            assertThat(r.exit()).as(r.all()).isEqualTo(2);
            assertThat(r.err()).contains("routing.redirect-https: true (expected: false on this server, which serves "
                    + "no HTTPS; start cutover server with --https-port and a certificate first)");
        }
        assertNothingCreated("redirecting");
    }

    @Test
    void anAppNameThatIsNotADnsLabelIsRejected() throws Exception {
        Path app = RunningServer.example(tmp, "hello", "label");
        var r = server.cli("deploy", app.toString(), "--to", "Bad_App");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("app: 'Bad_App' (expected: a DNS label");
    }

    @Test
    void aSecondDeployWhileOneIsInProgressIsRejectedWithTheRunningOnesId() throws Exception {
        Path app = RunningServer.example(tmp, "hello", "slow");
        RunningServer.writeManifest(app, """
                processes:
                  web: { command: "START_DELAY=4s exec %s", instances: 1 }
                health: { path: /health, interval: 500ms }
                """.formatted(RunningServer.HELLO));
        var first = server.cli("deploy", app.toString(), "--to", "slow", "--version", "a");
        assertThat(first.exit()).as(first.all()).isZero();
        var second = server.cli("deploy", app.toString(), "--to", "slow", "--version", "b");
        assertThat(second.exit()).isEqualTo(2);
        long running = server.status("slow").deployment().id();
        assertThat(second.err()).contains("deployment " + running + " of slow/production is in progress");
        assertThat(server.cli("releases", "slow").out()).doesNotContain(" b ");
    }

    @Test
    void everyApiCallWithoutAValidTokenGets401() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String token : new String[] {null, "cut_wrong"}) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.controller.apiUrl() + "/api/apps"));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("token");
        }
        var cli = RunningServer.cliWithoutCredentials("apps", "--api", server.controller.apiUrl(), "--token", "nope");
        assertThat(cli.exit()).isEqualTo(3);
        assertThat(cli.err()).contains("the API token is not valid for this server");

        // the router's port given for the API's, with a token and without
        String router = "http://127.0.0.1:" + server.controller.httpPort();
        for (var wrong : List.of(RunningServer.cliWithoutCredentials("status", "shop", "--api", router, "--token", "t"),
                RunningServer.cliWithoutCredentials("status", "shop", "--api", router))) {
            assertThat(wrong.exit()).as(wrong.all()).isEqualTo(3);
            assertThat(wrong.err()).contains(router + " is a Cutover router", "not the API: the API listens on the "
                    + "server's --api-port (7070 unless set); give its URL with --api or CUTOVER_API");
        }
    }

    @Test
    void aBuildWhoseContentDoesNotMatchItsDigestGets400AndIsNotKept() throws Exception {
        String sha = "0".repeat(64);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.controller.apiUrl() + "/api/builds/" + sha))
                .header("Authorization", "Bearer " + server.controller.token())
                .PUT(HttpRequest.BodyPublishers.ofString("not a bundle")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("build: content has sha256 ").contains("(expected: " + sha);
        HttpResponse<String> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.controller.apiUrl() + "/api/builds/" + sha))
                .header("Authorization", "Bearer " + server.controller.token())
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(404);
    }

    @Test
    void aFractionalCountIsRefusedNotTruncatedAndAnUnknownRouteAnswersInJson() throws Exception {
        HttpResponse<String> scale = api("POST", "/api/apps/shop/envs/production/scale",
                "{\"processes\": {\"web\": 2.9}}");
        assertThat(scale.statusCode()).as(scale.body()).isEqualTo(400);
        assertThat(scale.body()).contains("\"error\":\"processes.web: 2.9 (expected: a whole number)\"")
                .contains("\"field\":\"processes.web\"");
        HttpResponse<String> none = api("POST", "/api/apps/shop/envs/production/scale",
                "{\"processes\": {\"web\": null}}");
        assertThat(none.statusCode()).as(none.body()).isEqualTo(400);
        assertThat(none.body()).contains("\"error\":\"processes.web: null (expected: an instance count from 0)\"")
                .contains("\"field\":\"processes.web\"");
        String[][] kinds = {
            {"/scale", "{\"processes\": []}", "processes: the wrong kind of value (expected: an object)"},
            {"/plan", "{\"manifest\": 5}", "manifest: the wrong kind of value (expected: an object)"},
            {"/config", "{\"set\": {\"A\": null}}", "set.A: null (expected: a string; to remove a variable, unset it)"},
            {"/rollback", "{\"to\": -3}", "to: -3 (expected: a release number of 1 or more"},
        };
        for (String[] k : kinds) {
            HttpResponse<String> wrong = api("POST", "/api/apps/shop/envs/production" + k[0], k[1]);
            assertThat(wrong.statusCode()).as(k[1]).isEqualTo(400);
            assertThat(wrong.body()).as(k[1]).contains("\"error\":\"" + k[2]).doesNotContain("java.", "dev.cutover");
        }
        assertNothingCreated("shop");

        for (String path : new String[] {"/api/nosuch", "/nosuch", "/api/apps/shop/envs/production/nosuch"}) {
            HttpResponse<String> unknown = api("GET", path, null);
            assertThat(unknown.statusCode()).as(path).isEqualTo(404);
            assertThat(unknown.headers().firstValue("Content-Type")).as(path).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(unknown.body()).as(path).contains("no such API route: GET " + path);
        }
    }

    private static HttpResponse<String> api(String method, String path, String json) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.controller.apiUrl() + path))
                .header("Authorization", "Bearer " + server.controller.token())
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUnknownHostGets404WithAnExplanation() throws Exception {
        RunningServer.Response r = RunningServer.get(server.controller.httpPort(), "nothing-here.localhost", "/");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.body()).contains("nothing-here.localhost");
    }

    @Test
    void anEnvironmentWhoseHostIsAnothersIsRefusedAndNotCreated() throws Exception {
        assertThat(server.cli("config", "set", "hx-y/z", "A=1").exit()).isZero();
        Path app = RunningServer.example(tmp, "hello", "clash");

        var r = server.cli("deploy", app.toString(), "--to", "hx/y-z");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("hx/y-z: its host hx-y-z is already hx-y/z's (expected: an app and environment "
                + "whose APP-ENV is not another's APP-ENV or APP-ENV-preview; pick another app or environment name)");
        r = server.cli("config", "set", "hx-y-z/preview", "A=1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("hx-y-z/preview: its host hx-y-z-preview is hx-y/z's preview host");
        r = server.cli("config", "set", "hx/y", "A=1");
        assertThat(r.exit()).as(r.all()).isZero();
        r = server.cli("config", "set", "hx/y-preview", "A=1");
        assertThat(r.err()).contains("hx/y-preview: its host hx-y-preview is hx/y's preview host");
        r = server.cli("config", "set", "hx-y-z-preview/production", "A=1");
        assertThat(r.exit()).as("no clash: hx-y-z-preview-production is nobody's").isZero();
        r = server.cli("config", "set", "hx-y/z-preview", "A=1");
        assertThat(r.err()).contains("hx-y/z-preview: its host hx-y-z-preview is hx-y/z's preview host");

        var envs = server.cli("apps").out();
        assertThat(envs).contains("hx-y/z").doesNotContain("hx/y-z", "hx-y-z/preview", "hx/y-preview");
    }

    @Test
    void configThatLinuxCouldNotPassToAProcessIsRefusedNamingTheKeyTheSizeAndTheLimit() throws Exception {
        String big = "v".repeat(140_000);
        HttpResponse<String> one = api("POST", "/api/apps/cfgsize/envs/production/config",
                "{\"set\": {\"BIG\": \"" + big + "\"}}");
        assertThat(one.statusCode()).as(one.body()).isEqualTo(400);
        assertThat(one.body()).contains("config BIG: 140005 bytes as BIG=VALUE (expected: at most 131072, the most "
                + "Linux passes to a process in one environment variable");

        // each under the limit for one variable, 1.2 MB in all: through the CLI, as a user would
        List<String> args = new java.util.ArrayList<>(List.of("config", "set", "cfgsize"));
        for (int i = 0; i < 10; i++) {
            args.add("K" + i + "=" + "v".repeat(120_000));
        }
        var r = server.cli(args.toArray(String[]::new));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("config: 1200040 bytes in all with this change (expected: at most 1048576");
        assertThat(server.cli("config", "list", "cfgsize").out()).doesNotContain("K0=");

        HttpResponse<String> nul = api("POST", "/api/apps/cfgsize/envs/production/config",
                "{\"set\": {\"A\": \"x\\u0000y\"}}");
        assertThat(nul.body()).contains("config A: a value with a NUL byte");
    }

    @Test
    void aReleaseThatWouldLeaveAServingEnvironmentWithoutWebInstancesIsRefusedUnlessScaledToZeroFirst()
            throws Exception {
        Path app = RunningServer.example(tmp, "hello", "keepweb");
        var v1 = server.cli("deploy", app.toString(), "--to", "keepweb", "--version", "v1", "--set", "watch=0s",
                "--wait");
        assertThat(v1.exit()).as(v1.all()).isZero();

        Path worker = RunningServer.example(tmp, "hello", "keepweb-worker");
        RunningServer.writeManifest(worker, "processes:\n  worker: { command: \"sleep 1000\" }\n");
        var r = server.cli("deploy", worker.toString(), "--to", "keepweb", "--version", "v2");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("processes.web: missing (this release has only worker), and keepweb/production "
                + "serves with 2 web instances now: it would answer 503 from the switch on (expected: a web process "
                + "with instances in cutover.yml or the Procfile; to take keepweb/production off the web on purpose, "
                + "cutover scale keepweb/production web=0 first)");
        RunningServer.writeManifest(worker, "processes:\n  web: { command: \"sleep 1000\", instances: 0 }\n");
        r = server.cli("deploy", worker.toString(), "--to", "keepweb", "--version", "v2");
        assertThat(r.err()).contains("processes.web.instances: 0, and keepweb/production serves with 2 web instances");
        assertThat(server.status("keepweb").deployment().release()).as("no release made").isEqualTo(1);
        assertThat(server.cli("releases", "keepweb").out()).doesNotContain("v2");
    }

    private static void assertNothingCreated(String app) {
        var r = server.cli("status", app);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no environment " + app + "/production");
    }
}
