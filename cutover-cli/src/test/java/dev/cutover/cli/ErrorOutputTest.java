package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.cutover.model.json.Json;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ErrorOutputTest {

    private static final String NOT_FOUND = "{\"error\": \"no environment shop/production\"}";

    @Test
    void withOutputJsonAnErrorIsAlsoAnObjectOnStandardOutput() throws Exception {
        HttpServer api = JsonServer.answering(0, 404, NOT_FOUND);
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = run(api, out, err, "status", "shop", "--output", "json");

            assertThat(exit).isEqualTo(CliException.USAGE);
            assertThat(err.toString()).startsWith("error: ").contains("no environment shop/production");
            JsonNode error = Json.mapper().readTree(out.toString());
            assertThat(error.get("error").asText()).isEqualTo(err.toString().strip().substring("error: ".length()));
            assertThat(error.get("exitCode").asInt()).isEqualTo(CliException.USAGE);
        } finally {
            api.stop(0);
        }
    }

    @Test
    void withTextOutputAnErrorGoesToStandardErrorAlone() throws Exception {
        HttpServer api = JsonServer.answering(0, 404, NOT_FOUND);
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = run(api, out, err, "status", "shop");

            assertThat(exit).isEqualTo(CliException.USAGE);
            assertThat(err.toString()).contains("no environment shop/production");
            assertThat(out.toString()).isEmpty();
        } finally {
            api.stop(0);
        }
    }

    private static int run(HttpServer api, StringWriter out, StringWriter err, String... args) {
        return JsonServer.cli(api, out, err, args);
    }
}
