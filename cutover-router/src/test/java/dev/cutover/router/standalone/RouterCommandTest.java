package dev.cutover.router.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testkit.cli.CommandRun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The standalone command's refusals: bad flags and a routes file it cannot read exit with status 2 and a message that
 * names the value; a port it cannot listen on, with status 3 and the flags that change it.
 */
class RouterCommandTest {

    @TempDir
    Path dir;

    @Test
    void anUnknownTransportIsRefusedBeforeAnythingIsBound() throws Exception {
        CommandRun run = run("--routes", emptyRoutes().toString(), "--port", "0", "--transport", "kqueue");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("error: transport: 'kqueue' (expected: one of auto, io_uring, epoll, nio)");
    }

    @Test
    void aMetricsPortOutOfRangeIsRefusedBeforeAnythingIsBound() throws Exception {
        CommandRun run = run("--routes", emptyRoutes().toString(), "--port", "0", "--metrics-port", "70000");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("error: --metrics-port: 70000 (expected: 0-65535)");
    }

    @Test
    void aMissingRoutesFileIsNamedWithWhatWasExpected() {
        Path missing = dir.resolve("nope.yml");

        CommandRun run = run("--routes", missing.toString(), "--port", "0");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("error: --routes: cannot read " + missing
                + ": no such file (expected: a readable routes file; docs/router.md has the format)");
    }

    @Test
    void anAccessLogThatCannotBeWrittenIsNamedByItsFlag() throws Exception {
        Path nowhere = dir.resolve("no-such-dir").resolve("access.log");

        CommandRun run = run("--routes", emptyRoutes().toString(), "--port", "0", "--access-log", nowhere.toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("error: --access-log: '" + nowhere + "' (expected: a file this process can create "
                + "or append to, or - for standard output; its directory does not exist)");
    }

    @Test
    void aCertificateThatCannotBeLoadedIsNamedWithTheRoutesFile() throws Exception {
        Path routes = Files.writeString(dir.resolve("tls-routes.yml"),
                // port 1 is never tried: the certificates are loaded before anything is bound
                "tls: { port: 1, certificates: [{cert: missing.pem, key: missing.key}] }\nroutes: []\n");

        CommandRun run = run("--routes", routes.toString(), "--port", "0");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("error: " + routes + ": tls: ").contains(dir.resolve("missing.pem").toString());
    }

    @Test
    void aTakenPortExitsWithStatus3AndNamesTheFlags() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();

            CommandRun run = run("--routes", emptyRoutes().toString(), "--bind", "127.0.0.1", "--port", String.valueOf(port));

            assertThat(run.status()).isEqualTo(3);
            assertThat(run.err()).contains("error: cannot listen on 127.0.0.1:" + port
                    + ": the port is in use by another process; stop it, or pick another port (set the port with "
                    + "--port)");
        }
    }

    @Test
    void aTakenMetricsPortExitsWithStatus3AndNamesItsFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();

            CommandRun run = run("--routes", emptyRoutes().toString(), "--bind", "127.0.0.1", "--port", "0",
                    "--metrics-port", String.valueOf(port));

            assertThat(run.status()).isEqualTo(3);
            assertThat(run.err()).contains("error: cannot listen on 127.0.0.1:" + port
                    + ": the port is in use by another process; stop it, or pick another port (set the port with "
                    + "--metrics-port)");
        }
    }

    @Test
    void anHttpsPortThatIsThePlainPortIsRefusedNamingBoth() throws Exception {
        Path routes = Files.writeString(dir.resolve("routes.yml"), "routes: []\ntls:\n  port: 48443\n"
                + "  certificates: [{ cert: " + dir.resolve("missing.pem") + ", key: " + dir.resolve("missing.key")
                + " }]\n");

        CommandRun run = run("--routes", routes.toString(), "--bind", "127.0.0.1", "--port", "48443");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("tls.port: 48443 (expected: a port other than --port 48443, where the router "
                + "serves plain HTTP)");
    }

    private Path emptyRoutes() throws Exception {
        return Files.writeString(dir.resolve("routes.yml"), "routes: []\n");
    }

    private static CommandRun run(String... args) {
        return CommandRun.of(() -> new CommandLine(new RouterCommand()).execute(args));
    }
}
