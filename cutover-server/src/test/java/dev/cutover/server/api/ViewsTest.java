package dev.cutover.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewsTest {

    @Test
    void aWaitForTheRouterNamesTheSplitItWaitsFor() {
        assertThat(Views.split(Map.of(3, 90, 4, 10))).isEqualTo("send v4 10%, v3 90%");
        assertThat(Views.split(Map.of(12, 100))).isEqualTo("send v12 100%");
        assertThat(Views.split(Map.of())).isEqualTo("split traffic by instance count again");
    }
}
