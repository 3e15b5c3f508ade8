package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.api.DeploymentView;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.InstanceView;
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
        assertThat(StatusCommand.traffic(List.of(new TrafficShare(4, "abc", 10, 1), new TrafficShare(3, "def", 90, 2)), 4, false))
                .isEqualTo("v4 10% (1 instance), v3 90% (2 instances)");
        assertThat(StatusCommand.traffic(List.of(new TrafficShare(5, "x", 100, 2), new TrafficShare(4, "y", 0, 2)), 5, false))
                .isEqualTo("v5 100% (2 instances), v4 0% (2 instances on standby)");
        assertThat(StatusCommand.traffic(List.of(new TrafficShare(6, "x", 100, 1), new TrafficShare(5, "y", 0, 0)), 0, false))
                .isEqualTo("v6 100% (1 instance), v5 0% (draining)");
    }

    @Test
    void aCandidateWithoutTrafficIsNotCalledAStandby() {
        List<TrafficShare> blueGreen = List.of(new TrafficShare(2, "x", 0, 2), new TrafficShare(1, "y", 100, 2));
        assertThat(StatusCommand.traffic(blueGreen, 2, true))
                .isEqualTo("v2 0% (2 instances, candidate waiting for cutover promote), v1 100% (2 instances)");
        assertThat(StatusCommand.traffic(blueGreen, 2, false))
                .isEqualTo("v2 0% (2 instances, candidate, no traffic yet), v1 100% (2 instances)");
    }

    @Test
    void statusShowsThePreviewHostAndTheCandidatesInstances() {
        DeploymentView d = new DeploymentView(2, "shop", "production", 2, 1, "v2", "deploy", "blue-green", "running",
                "paused until cutover promote", null, null, Instant.EPOCH, null, List.of(), "promote", null, null);
        EnvStatus s = new EnvStatus("shop", "production", "http://shop-production.localhost/", null, d,
                List.of(new InstanceView("d1-web-1", "web", 1, "v1", "local", "healthy", "ok", 4001, 11, 0, "active",
                                Instant.EPOCH),
                        new InstanceView("d2-web-1", "web", 2, "v2", "local", "healthy", "ok", 4002, 12, 0, "active",
                                Instant.EPOCH)),
                List.of(new TrafficShare(2, "v2", 0, 1), new TrafficShare(1, "v1", 100, 1)), null,
                "http://shop-production-preview.localhost/", 2);
        StringWriter text = new StringWriter();
        StatusCommand.print(s, new PrintWriter(text), Instant.now());

        assertThat(text.toString())
                .contains("traffic:     v2 0% (1 instance, candidate waiting for cutover promote), v1 100% (1 instance)\n"
                        + "preview:     http://shop-production-preview.localhost/ (v2 alone)\n")
                .containsPattern("d1-web-1 .* active ")
                .containsPattern("d2-web-1 .* candidate ");
    }

    @Test
    void theAppsListShowsTheSplitAlone() {
        assertThat(StatusCommand.split(List.of(new TrafficShare(4, "abc", 10, 1), new TrafficShare(3, "def", 90, 2))))
                .isEqualTo("v4 10%, v3 90%");
        assertThat(StatusCommand.split(List.of())).isEqualTo("none");
    }

    @Test
    void withNothingRoutedTheLineSaysSo() {
        assertThat(StatusCommand.traffic(List.of(), 0, false)).isEqualTo("none: the router has no instance of it");
        assertThat(StatusCommand.traffic(null, 0, false)).as("an older server's answer").startsWith("none");
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
                                        + "or raise deploy.stop-timeout)")), null, 0);
        StringWriter text = new StringWriter();
        StatusCommand.print(s, new PrintWriter(text), now);

        assertThat(text.toString()).contains("instances:   none\nstopped:     in the last 2 minutes\n")
                .containsPattern("d1-web-1 +web +v1 abc +12s ago +stopped by INT after 0.2s\n")
                .containsPattern("d1-web-2 +web +v1 abc +2m ago +stopped by KILL after 30.1s: it outlived INT");
    }

    @Test
    void withNothingStoppedLatelyThereIsNoStoppedSection() {
        EnvStatus s = new EnvStatus("shop", "production", "http://shop-production.localhost/", null, null, List.of(),
                List.of(), null, null, 0);
        StringWriter text = new StringWriter();
        StatusCommand.print(s, new PrintWriter(text), Instant.now());

        assertThat(text.toString()).endsWith("instances:   none\n").doesNotContain("stopped:");
    }
}
