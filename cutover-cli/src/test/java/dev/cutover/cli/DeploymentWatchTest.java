package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.cutover.model.api.DeploymentView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What following a deployment says when a poll fails: only a server that gave no answer may still be at work. */
class DeploymentWatchTest {

    private static final DeploymentView FOLLOWED = new DeploymentView(7, "shop", "production", 2, 1, "v2", "deploy",
            "rolling", "in-progress", null, null, null, Instant.now(), null, List.of(), null, null, null);

    @Test
    void aFailureAboutAnInstanceSaysWhereItsWholeLogIs() {
        DeploymentView failed = new DeploymentView(7, "shop", "production", 2, 1, "v2", "deploy", "rolling",
                "rolled-back", null, "crash-loop", "d7-web-1 keeps exiting", Instant.now(), Instant.now(), List.of(),
                null, null, "d7-web-1");
        StringWriter text = new StringWriter();

        int exit = DeploymentWatch.outcome(failed, null, new PrintWriter(text));

        assertThat(exit).isEqualTo(CliException.DEPLOYMENT_FAILED);
        assertThat(text.toString()).endsWith("  d7-web-1 keeps exiting\n"
                + "the whole log: cutover logs shop/production --instance d7-web-1\n");
    }

    @Test
    void aServerThatAnswersWithAnErrorIsQuotedAsIs() throws Exception {
        HttpServer http = JsonServer.answering(0, 404, "{\"error\": \"no deployment 7\"}");
        try {
            ApiClient api = new ApiClient("http://127.0.0.1:" + http.getAddress().getPort(), "t");
            assertThatThrownBy(() -> DeploymentWatch.poll(api, FOLLOWED, 0)).isInstanceOf(CliException.class)
                    .hasMessage("no deployment 7");
        } finally {
            http.stop(0);
        }
    }

    @Test
    void aServerThatDoesNotAnswerLeavesTheDeploymentGoingOn() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ApiClient api = new ApiClient("http://127.0.0.1:" + port, "t");
        assertThatThrownBy(() -> DeploymentWatch.poll(api, FOLLOWED, 0)).isInstanceOf(CliException.class)
                .hasMessageStartingWith("cannot reach the Cutover API at http://127.0.0.1:" + port)
                .hasMessageEndingWith("\nthe deployment goes on in the server once it is back: cutover status "
                        + "shop/production");
    }
}
