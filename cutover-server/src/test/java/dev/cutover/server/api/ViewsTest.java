package dev.cutover.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.engine.rollout.Phase;
import dev.cutover.engine.rollout.RolloutState;
import dev.cutover.engine.rollout.Step;
import dev.cutover.model.api.InstanceView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewsTest {

    @Test
    void aWaitForTheRouterNamesTheSplitItWaitsFor() {
        assertThat(Views.split(Map.of(3, 90, 4, 10))).isEqualTo("send v4 10%, v3 90%");
        assertThat(Views.split(Map.of(12, 100))).isEqualTo("send v12 100%");
        assertThat(Views.split(Map.of())).isEqualTo("split traffic by instance count again");
    }

    @Test
    void anActiveInstanceThatIsNotHealthyIsHeldOutUnlessNoneIs() {
        InstanceView well = instance("d1-web-1", "healthy", "active");
        InstanceView sick = instance("d1-web-2", "unhealthy", "active");
        InstanceView draining = instance("d1-web-3", "unhealthy", "draining");

        assertThat(Views.heldOut(List.of(well, sick, draining))).extracting(InstanceView::routing)
                .containsExactly("active", "held out", "draining");
        assertThat(Views.heldOut(List.of(instance("d1-web-1", "starting", "active"), sick)))
                .as("with none healthy, the router tries them all").extracting(InstanceView::routing)
                .containsExactly("active", "active");
    }

    @Test
    void aPausedBakeShowsTheTimeLeftWhenThePauseBeganForAsLongAsItLasts() {
        Instant t0 = Instant.parse("2026-12-06T07:00:00Z");
        Step.Bake bake = new Step.Bake(t0, t0.plusSeconds(60), t0.plusSeconds(600), null, Map.of(), false);
        RolloutState running = new RolloutState(4, Phase.RUNNING, bake, 3, null, t0, 1, 0, null, null, false);
        assertThat(Views.describe(running, t0.plusSeconds(5))).isEqualTo("baking (55s left)");

        RolloutState paused = new RolloutState(4, Phase.RUNNING, bake, 3, null, t0, 1, 0, t0.plusSeconds(5), null,
                false);
        assertThat(Views.describe(paused, t0.plusSeconds(40)))
                .isEqualTo("paused on request (cutover resume): baking (55s left)");
    }

    @Test
    void keepOldSaysWhenAPromotionEndsIt() {
        Instant t0 = Instant.parse("2026-12-06T07:00:00Z");
        Step.KeepOld keep = new Step.KeepOld(t0.plusSeconds(300), false, Map.of(), false, null);
        RolloutState running = new RolloutState(4, Phase.RUNNING, keep, 3, null, t0, 1, 0, null, t0, false);
        assertThat(Views.describe(running, t0.plusSeconds(100)))
                .isEqualTo("keeping the old set warm for an instant rollback (200s left; cutover promote ends it now)");

        RolloutState paused = new RolloutState(4, Phase.RUNNING, keep, 3, null, t0, 1, 0, t0.plusSeconds(100), t0,
                false);
        assertThat(Views.describe(paused, t0.plusSeconds(150))).isEqualTo("paused on request (cutover resume): keeping "
                + "the old set warm for an instant rollback (200s left; cutover promote ends it once resumed)");
    }

    @Test
    void theWatchAtTheEndOfAnInPlaceDeploymentSaysWhatItWaitsForAndHowLong() {
        Instant t0 = Instant.parse("2026-12-06T07:00:00Z");
        RolloutState watching = new RolloutState(4, Phase.RUNNING, new Step.Watch(t0.plusSeconds(5), Map.of(), false),
                3, null, t0, 0, 0, null, t0, false);
        assertThat(Views.describe(watching, t0.plusSeconds(2)))
                .isEqualTo("watching the new release with all traffic before the deployment is done (3s left)");
    }

    private static InstanceView instance(String id, String phase, String routing) {
        return new InstanceView(id, "web", 1, "abc", "local", phase, phase + ": as probed", 4000, 11, 0, routing,
                Instant.parse("2026-12-06T07:00:00Z"));
    }
}
