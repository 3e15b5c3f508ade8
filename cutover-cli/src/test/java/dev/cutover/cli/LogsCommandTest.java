package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class LogsCommandTest {

    @Test
    void theTypeOfAnInstanceIsReadFromItsId() {
        assertThat(LogsCommand.typeOf("d39-web-1")).isEqualTo("web");
        assertThat(LogsCommand.typeOf("d7-queue-worker-12")).isEqualTo("queue-worker");
        assertThat(LogsCommand.typeOf("d12-release")).isEqualTo("release");
        assertThat(LogsCommand.typeOf("x-1")).isNull();
    }

    @Test
    void aTypeThatIsNotTheInstancesIsRefusedNamingBoth() throws Exception {
        HttpServer api = JsonServer.answering(0, 200, "{}");
        try {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int exit = JsonServer.cli(api, out, err, "logs", "shop", "--type", "worker", "--instance", "d39-web-1");

            assertThat(exit).isEqualTo(CliException.USAGE);
            assertThat(err.toString().strip()).isEqualTo("error: --type worker: d39-web-1 is a web instance (expected: "
                    + "--type web, or --instance alone)");
            assertThat(out.toString()).isEmpty();
        } finally {
            api.stop(0);
        }
    }
}
