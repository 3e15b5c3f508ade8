package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.api.HostView;
import dev.cutover.model.api.HostView.HostInstanceView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostsCommandTest {

    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void aHostThatAnswersShowsItsCapacityAndEachInstance() {
        HostView host = new HostView("local", "127.0.0.1", "up", NOW.minusMillis(300), null, 7, 7, "Linux 6.1", 2,
                List.of(0.52, 0.4, 0.31), 24L << 30, 18L << 30, 100L << 30, 40L << 30, NOW.minusSeconds(7380),
                List.of(new HostInstanceView("d2-web-1", "shop", "production", 2, "1.4.2", "web", "healthy", 40001,
                        4242, 45L << 20, 1.25, 2, NOW.minusSeconds(302))));

        String text = detail(host);

        assertThat(text).startsWith("local   127.0.0.1   up, reported 0s ago\n")
                .contains("desired:    revision 7, applied\n")
                .contains("system:     Linux 6.1, 2 CPUs, load 0.52 0.40 0.31\n")
                .contains("memory:     18.0 GiB of 24.0 GiB available\n")
                .contains("disk:       40.0 GiB of 100.0 GiB free")
                .contains("agent:      up 2h 3m")
                .containsPattern("d2-web-1 +shop/production +v2 1.4.2 +web +healthy +40001 +4242 +45.0 MiB +1.3s +2 "
                        + "+5m 2s");
    }

    @Test
    void aSilentHostSaysSinceWhenWhatFailedAndWhatToCheck() {
        HostView host = new HostView("edge-2", "10.0.0.2", "silent", NOW.minusSeconds(95), "connect timed out", 9, 10,
                null, -1, List.of(-1.0, -1.0, -1.0), -1, -1, -1, -1, null, List.of());

        String text = detail(host);

        assertThat(text).startsWith("edge-2   10.0.0.2   silent for 1m 35s, reported 1m 35s ago\n")
                .contains("error:      connect timed out\n")
                .contains("check that it runs and can be reached")
                .contains("desired:    revision 10, applied up to 9\n")
                .doesNotContain("memory:")
                .endsWith("instances:  none\n");
        assertThat(HostsCommand.state(new HostView("h", "a", "silent", null, null, 0, 0, null, -1, List.of(), -1, -1,
                -1, -1, null, List.of()), NOW)).isEqualTo("silent, never reported");
    }

    @Test
    void durationsReadAsPeopleSayThem() {
        assertThat(HostsCommand.duration(Duration.ofSeconds(12))).isEqualTo("12s");
        assertThat(HostsCommand.duration(Duration.ofSeconds(302))).isEqualTo("5m 2s");
        assertThat(HostsCommand.duration(Duration.ofMinutes(123))).isEqualTo("2h 3m");
        assertThat(HostsCommand.duration(Duration.ofHours(76))).isEqualTo("3d 4h");
        assertThat(HostsCommand.duration(Duration.ofSeconds(-3))).isEqualTo("0s");
    }

    private static String detail(HostView host) {
        StringWriter out = new StringWriter();
        HostsCommand.detail(host, new PrintWriter(out), NOW);
        return out.toString();
    }
}
