package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploySettingsTest {

    @Test
    void settingsAreParsedInOrderAndAValueMayHoldAnEqualsSign() {
        assertThat(DeploySettings.parse(List.of("percent=20", "analysis.max-error-rate=5%", "x=a=b")))
                .containsExactly(Map.entry("percent", "20"), Map.entry("analysis.max-error-rate", "5%"),
                        Map.entry("x", "a=b"));
    }

    @Test
    void aSettingWithoutAKeyOrAnEqualsSignIsAUsageErrorNamingIt() {
        for (String bad : List.of("nokey", "=5", " =5")) {
            assertThatThrownBy(() -> DeploySettings.parse(List.of(bad))).isInstanceOf(CliException.class)
                    .hasMessage("--set: '" + bad + "' (expected: KEY=VALUE, a deploy parameter and its value, e.g. "
                            + "percent=20 or analysis.max-error-rate=5%)")
                    .extracting(e -> ((CliException) e).exitCode()).isEqualTo(CliException.USAGE);
        }
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        assertThatThrownBy(() -> DeploySettings.parse(List.of("percent=10", "interval=1m", "percent=20")))
                .hasMessage("--set: percent given twice ('percent=10' and 'percent=20'; expected: each parameter once)");
    }
}
