package dev.cutover.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.testkit.cli.CommandRun;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code cutover server} where it cannot start: on ports another process holds (exit status 3) or with a data directory
 * it cannot use (2), each with a message that says which and what to do.
 */
class ServerCommandTest {

    @TempDir
    Path dir;

    @Test
    void aTakenRouterPortIsNamedWithTheFlagsThatChangeIt() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            int port = taken.getLocalPort();

            CommandRun run = run("--data", dir.toString(), "--http-port", String.valueOf(port), "--api-port", "0");

            assertThat(run.status()).isEqualTo(3);
            assertThat(run.err()).contains("error: router: cannot listen on 0.0.0.0:" + port
                    + ": the port is in use by another process; stop it, or pick another port")
                    .contains("--http-port");
        }
    }

    @Test
    void aTakenApiPortIsNamedAndTheRouterStartedBeforeItIsClosedAgain() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            int routerPort;
            try (ServerSocket probe = new ServerSocket(0)) {
                routerPort = probe.getLocalPort();
            }

            CommandRun run = run("--data", dir.toString(), "--http-port", String.valueOf(routerPort), "--api-port",
                    String.valueOf(port));

            assertThat(run.status()).isEqualTo(3);
            assertThat(run.err()).contains("error: API: cannot listen on 127.0.0.1:" + port + ": ")
                    .contains("--api-port");
            try (ServerSocket again = new ServerSocket()) {
                again.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), routerPort));
                assertThat(again.isBound()).as("the router's port is free again").isTrue();
            }
        }
    }

    @Test
    void anApiAddressThatIsNotThisMachinesIsNamedWithItsFlag() {
        // 192.0.2.0/24 is reserved for documentation (RFC 5737): no machine has it.
        CommandRun run = run("--data", dir.toString(), "--http-port", "0", "--api-port", "0", "--api-bind",
                "192.0.2.1");

        assertThat(run.status()).isEqualTo(3);
        assertThat(run.err()).contains("error: API: cannot listen on 192.0.2.1:0: the address is not one of this "
                + "machine's; use one of its addresses, or 0.0.0.0 for all (choose the address with --api-bind)");
    }

    @Test
    void aDataDirectoryThatIsAFileIsRefusedBeforeAnythingStarts() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("data"), "not a directory");

        CommandRun run = run("--data", file.toString(), "--http-port", "0", "--api-port", "0");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("error: --data: " + file + ": exists and is not a directory (expected: a "
                + "directory this user can create and write to)");
    }

    @Test
    void aKeepReleasesBelowOneIsRefusedNamingTheFlag() {
        CommandRun run = run("--data", dir.toString(), "--http-port", "0", "--api-port", "0", "--keep-releases", "0");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).contains("error: --keep-releases: 0 (expected: 1 or more; leave it out to keep the build "
                + "of every release)");
    }

    private static CommandRun run(String... args) {
        return CommandRun.of(() -> new CommandLine(new ServerCommand()).execute(args));
    }
}
