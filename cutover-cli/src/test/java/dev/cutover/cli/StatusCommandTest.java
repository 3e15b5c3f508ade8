package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.api.TrafficShare;
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
        assertThat(StatusCommand.percent(100.0 / 3)).isEqualTo("33.3%");
        assertThat(StatusCommand.percent(100)).isEqualTo("100%");
        assertThat(StatusCommand.percent(0)).isEqualTo("0%");
        assertThat(StatusCommand.percent(99.96)).isEqualTo("100%");
        assertThat(StatusCommand.percent(12.5)).isEqualTo("12.5%");
    }
}
