package dev.cutover.agent;

import static dev.cutover.agent.testing.Specs.web;
import static dev.cutover.agent.testing.Specs.withCommand;
import static dev.cutover.agent.testing.Specs.withHealth;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.agent.testing.Harness;
import dev.cutover.agent.testing.Specs;
import dev.cutover.model.agent.InstancePhase;
import dev.cutover.model.agent.InstanceReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command probes and the start period, with real processes. */
@Tag("e2e")
class HealthKindsTest {

    @TempDir
    Path dataDir;

    Harness h;

    @BeforeEach
    void start() {
        h = new Harness(dataDir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void aCommandProbeRunsInTheWorkingDirectoryWithTheInstanceEnvironment() throws IOException {
        h.apply(withHealth(web("web-1", h.app), Specs.TCP.withCommand("test ! -f fail && [ -n \"$PORT\" ]")));

        h.awaitPhase("web-1", InstancePhase.HEALTHY);
        Files.writeString(h.workingDirectory("web-1").resolve("fail"), "");
        InstanceReport unhealthy = h.awaitPhase("web-1", InstancePhase.UNHEALTHY);
        Files.delete(h.workingDirectory("web-1").resolve("fail"));
        h.awaitPhase("web-1", InstancePhase.HEALTHY);

        assertThat(unhealthy.reason()).startsWith("unhealthy: 2 probes failed: exit code 1 from command test ! -f fail");
    }

    @Test
    void failuresInTheStartPeriodDoNotCountAndAfterItAnInstanceThatNeverPassesIsUnhealthy() {
        h.apply(withHealth(withCommand(web("web-1", h.app), "exec sleep 1000"),
                Specs.TCP.withStartPeriod(Duration.ofSeconds(2))));

        InstanceReport during = h.await("web-1", r -> r.reason().contains("in the start period"));
        InstanceReport after = h.awaitPhase("web-1", InstancePhase.UNHEALTHY);

        assertThat(during.phase()).isEqualTo(InstancePhase.STARTING);
        assertThat(during.reason()).contains("starting: in the start period, waiting for TCP connect: connection refused");
        assertThat(after.reason()).isEqualTo("unhealthy: 2 probes failed after the start period: connection refused "
                + "to TCP connect (no process of the instance listens on a TCP port yet; it should listen on PORT, "
                + after.port() + ")");
        assertThat(after.restarts()).isZero();
    }

    @Test
    void withoutAStartPeriodAnInstanceStartsForAsLongAsItTakes() {
        h.apply(withHealth(withCommand(web("web-1", h.app), "sleep 3; exec python3 server.py"), Specs.TCP));

        h.await("web-1", r -> r.reason().contains("connection refused"));
        h.awaitPhase("web-1", InstancePhase.HEALTHY);

        assertThat(h.find("web-1").orElseThrow().restarts()).isZero();
    }
}
