package dev.cutover.router.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The standalone command's refusals: bad flags exit with status 2 and a message that names the flag's value; a port it
 * cannot listen on, with status 3 and the flags that change it.
 */
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

    @Test
    void aTakenPortExitsWithStatus3AndNamesTheFlags() throws Exception {
        Path routes = Files.writeString(dir.resolve("routes.yml"), "routes: []\n");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream before = System.err;
            int status;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                status = new CommandLine(new RouterCommand()).execute("--routes", routes.toString(), "--bind",
                        "127.0.0.1", "--port", String.valueOf(port));
            } finally {
                System.setErr(before);
            }
            assertThat(status).isEqualTo(3);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: cannot listen on 127.0.0.1:" + port
                    + ": the port is in use by another process; stop it, or pick another port (set them with --bind "
                    + "and --port)");
        }
    }

    @Test
    void aMissingRoutesFileIsNamedWithWhatWasExpected() {
        Path missing = dir.resolve("nope.yml");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream before = System.err;
        int status;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            status = new CommandLine(new RouterCommand()).execute("--routes", missing.toString(), "--port", "0");
        } finally {
            System.setErr(before);
        }
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: --routes: cannot read " + missing
                + ": no such file (expected: a readable routes file; docs/router.md has the format)");
    }
}
