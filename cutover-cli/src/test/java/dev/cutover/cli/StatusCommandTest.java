package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.StoppedInstanceView;
import dev.cutover.model.api.TrafficShare;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

    @Test
    void theTrafficLineGivesEachReleasesShareAndWhatItsInstancesDo() {
        assertThat(StatusCommand.traffic(List.of(new TrafficShare(4, "abc", 10, 1), new TrafficShare(3, "def", 90, 2))))
                .isEqualTo("v4 10% (1 instance), v3 90% (2 instances)");
        assertThat(StatusCommand.traffic(List.of(new TrafficShare(5, "x", 100, 2), new TrafficShare(4, "y", 0, 2))))
                .isEqualTo("v5 100% (2 instances), v4 0% (2 instances on standby)");
        assertThat(StatusCommand.traffic(List.of(new TrafficShare(6, "x", 100, 1), new TrafficShare(5, "y", 0, 0))))
                .isEqualTo("v6 100% (1 instance), v5 0% (draining)");
    }

    @Test
    void theAppsListShowsTheSplitAlone() {
        assertThat(StatusCommand.split(List.of(new TrafficShare(4, "abc", 10, 1), new TrafficShare(3, "def", 90, 2))))
                .isEqualTo("v4 10%, v3 90%");
        assertThat(StatusCommand.split(List.of())).isEqualTo("none");
    }

    @Test
    void withNothingRoutedTheLineSaysSo() {
        assertThat(StatusCommand.traffic(List.of())).isEqualTo("none: the router has no instance of it");
        assertThat(StatusCommand.traffic(null)).as("an older server's answer").startsWith("none");
    }

    @Test
    void percentagesShowATenthOnlyWhenNotWhole() {
        assertThat(StatusCommand.split(List.of(new TrafficShare(2, "a", 100.0 / 3, 1), new TrafficShare(1, "b", 0, 2),
                new TrafficShare(9, "c", 99.96, 1), new TrafficShare(8, "d", 12.5, 1), new TrafficShare(7, "e", 100, 1))))
                .isEqualTo("v2 33.3%, v1 0%, v9 100%, v8 12.5%, v7 100%");
    }

    @Test
    void instancesStoppedLatelyAreListedWithHowTheyEnded() {
        Instant now = Instant.parse("2026-12-06T07:00:00Z");
        EnvStatus s = new EnvStatus("shop", "production", "http://shop-production.localhost/", null, null, List.of(),
                List.of(), List.of(new StoppedInstanceView("d1-web-1", "web", 1, "abc", "local", now.minusSeconds(12),
                        "stopped by INT after 0.2s"),
                        new StoppedInstanceView("d1-web-2", "web", 1, "abc", "local", now.minusSeconds(150),
                                "stopped by KILL after 30.1s: it outlived INT (30s each; handle INT in the app, "
                                        + "or raise deploy.stop-timeout)")));
        StringWriter text = new StringWriter();
        StatusCommand.print(s, new PrintWriter(text), now);

        assertThat(text.toString()).contains("instances:   none\nstopped:     in the last 2 minutes\n")
                .containsPattern("d1-web-1 +web +v1 abc +12s ago +stopped by INT after 0.2s\n")
                .containsPattern("d1-web-2 +web +v1 abc +2m ago +stopped by KILL after 30.1s: it outlived INT");
    }

    @Test
    void withNothingStoppedLatelyThereIsNoStoppedSection() {
        EnvStatus s = new EnvStatus("shop", "production", "http://shop-production.localhost/", null, null, List.of(),
                List.of(), null);
        StringWriter text = new StringWriter();
        StatusCommand.print(s, new PrintWriter(text), Instant.now());

        assertThat(text.toString()).endsWith("instances:   none\n").doesNotContain("stopped:");
    }
}
