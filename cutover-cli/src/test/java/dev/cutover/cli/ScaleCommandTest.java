package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ScaleCommandTest {

    @Test
    void countsAreParsedInOrder() {
        assertThat(ScaleCommand.parse(List.of("web=4", "worker=0"))).containsExactly(Map.entry("web", 4),
                Map.entry("worker", 0));
        assertThat(ScaleCommand.parse(List.of())).isEmpty();
    }

    @Test
    void aMalformedCountIsAUsageErrorThatNamesIt() {
        assertThatThrownBy(() -> ScaleCommand.parse(List.of("web")))
                .isInstanceOf(CliException.class).hasMessage("'web' (expected: TYPE=N, e.g. web=3)")
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(CliException.USAGE);
        assertThatThrownBy(() -> ScaleCommand.parse(List.of("=3"))).hasMessageContaining("'=3'");
        assertThatThrownBy(() -> ScaleCommand.parse(List.of("web=many")))
                .hasMessage("processes.web: 'many' (expected: a whole number of instances, e.g. web=3)");
        assertThatThrownBy(() -> ScaleCommand.parse(List.of("web=+2"))).hasMessage("processes.web: '+2' (expected: the "
                + "number of instances wanted, e.g. web=3; counts are absolute, not changes)");
        assertThatThrownBy(() -> ScaleCommand.parse(List.of("web=2", "worker=1", "web=3")))
                .hasMessage("processes.web: given twice ('web=2' and 'web=3'; expected: each type once)");
    }

    @Test
    void theChangeNamesOnlyTheTypesThatMove() {
        assertThat(ScaleCommand.change(new TreeMap<>(Map.of("web", 2, "worker", 1)),
                new TreeMap<>(Map.of("web", 4, "worker", 1)))).isEqualTo("web 2 → 4");
    }

    @Test
    void theCountsSayWhereTheyDifferFromTheManifest() {
        assertThat(ScaleCommand.counts(new TreeMap<>(Map.of("web", 4, "worker", 1)),
                Map.of("web", 2, "worker", 1))).isEqualTo("web=4 (the manifest says 2), worker=1");
    }
}
