package dev.cutover.router.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The standalone command's refusals of bad flags: exit status 2 and a message that names the flag's value. */
class RouterCommandTest {

    @TempDir
    Path dir;

    @Test
    void anUnknownTransportIsRefusedBeforeAnythingIsBound() throws Exception {
        Path routes = Files.writeString(dir.resolve("routes.yml"), "routes: []\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream before = System.err;
        int status;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            status = new CommandLine(new RouterCommand()).execute("--routes", routes.toString(), "--port", "0",
                    "--transport", "kqueue");
        } finally {
            System.setErr(before);
        }
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("error: transport: 'kqueue' (expected: one of auto, io_uring, epoll, nio)");
    }
}
