package dev.cutover.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.manifest.HealthSpec;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

class ProbeTest {

    final Clock clock = Clock.fixed(Instant.parse("2025-01-01T12:00:01.250Z"), ZoneOffset.UTC);

    HealthSpec http(String path) {
        return new HealthSpec(path, Duration.ofSeconds(1), Duration.ofMillis(500), 1, 1);
    }

    @Test
    void statusLinesAreParsed() {
        assertThat(Probe.parseStatus("HTTP/1.1 200 OK")).isEqualTo(200);
        assertThat(Probe.parseStatus("HTTP/1.0 503")).isEqualTo(503);
        assertThat(Probe.parseStatus("SSH-2.0-OpenSSH")).isEqualTo(-1);
        assertThat(Probe.parseStatus("")).isEqualTo(-1);
    }

    @Test
    void aRefusedConnectionFailsWithAClearOutcome() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }

        ProbeResult r = Probe.run(http("/health"), port, clock);

        assertThat(r.passed()).isFalse();
        assertThat(r.line(ZoneOffset.UTC)).isEqualTo("12:00:01.250 fail: connection refused to GET /health");
    }

    @Test
    void aSilentServerTimesOut() throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try (Socket c = s.accept()) {
                    c.getInputStream().read(new byte[1024]); // and never answer
                    Thread.sleep(5000);
                } catch (Exception e) {
                    // closed
                }
            });
            ProbeResult r = Probe.run(http("/health"), s.getLocalPort(), clock);
            acceptor.interrupt();

            assertThat(r.passed()).isFalse();
            assertThat(r.outcome()).isEqualTo("timed out after 500ms: GET /health");
        }
    }

    @Test
    void aRedirectPasses() throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread.ofVirtual().start(() -> {
                try (Socket c = s.accept()) {
                    c.getInputStream().read(new byte[1024]);
                    c.getOutputStream().write("HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // closed
                }
            });
            ProbeResult r = Probe.run(http("/"), s.getLocalPort(), clock);

            assertThat(r.passed()).isTrue();
            assertThat(r.outcome()).isEqualTo("302 from GET /");
        }
    }

    @Test
    void aCommandProbePassesOnExitZeroInTheInstanceDirectoryAndEnvironment(@TempDir Path work) throws Exception {
        Files.writeString(work.resolve("ok"), "");
        HealthSpec spec = http("/").withCommand("test -f ok && [ \"$PORT\" = 1234 ]");
        Probe.CommandContext context = new Probe.CommandContext(work, Map.of("PATH", "/usr/bin:/bin", "PORT", "1234"));

        ProbeResult pass = Probe.run(spec, 1234, context, clock);
        Files.delete(work.resolve("ok"));
        ProbeResult fail = Probe.run(spec, 1234, context, clock);

        assertThat(pass.passed()).as(pass.outcome()).isTrue();
        assertThat(pass.outcome()).isEqualTo("exit code 0 from command test -f ok && [ \"$PORT\" = 1234 ]");
        assertThat(fail.passed()).isFalse();
        assertThat(fail.outcome()).startsWith("exit code 1 from command");
    }

    @Test
    void aCommandProbeThatHangsTimesOut(@TempDir Path work) {
        HealthSpec spec = http("/").withCommand("sleep 30");

        ProbeResult r = Probe.run(spec, 1, new Probe.CommandContext(work, Map.of("PATH", "/usr/bin:/bin")), clock);

        assertThat(r.passed()).isFalse();
        assertThat(r.outcome()).isEqualTo("timed out after 500ms: command sleep 30");
    }
}
