package dev.cutover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.model.api.PlanView;
import dev.cutover.model.api.PlanView.Line;
import dev.cutover.model.name.EnvRef;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanCommandTest {

    private static final EnvRef REF = new EnvRef("shop", "production");

    @Test
    void aRollingPlanSaysHowLowCapacityGoes() {
        String out = render(new PlanView("shop", "production", "rolling", 3, 2, 2, List.of(
                new Line(0, "launch 1 new", 2, 1, 0, 100),
                new Line(1_500, "drain 1 old", 1, 1, 50, 50),
                new Line(3_000, "v4 is serving", 0, 2, 100, 100)), 3_000));
        assertThat(out).contains("plan: shop/production from v3 (2 web instances) to 2 new web instances, strategy "
                + "rolling", "1.5s  drain 1 old", "50/50", "minimum time: 3.0s", "capacity never below 50% of now")
                .doesNotContain("DOWNTIME", "503");
    }

    @Test
    void theVersionLabelADeployWouldGetIsInTheHeading() {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            PlanCommand.render(REF, new PlanView("shop", "production", "rolling", 3, 2, 2, List.of(
                    new Line(0, "v4 is serving", 0, 2, 100, 100)), 0), "2.4.1", out);
        }
        assertThat(text.toString()).startsWith("plan: shop/production from v3 (2 web instances) to 2 new web instances "
                + "of 2.4.1, strategy rolling\n");
    }

    @Test
    void oneInstanceIsSaidInTheSingular() {
        String out = render(new PlanView("shop", "production", "rolling", 3, 1, 1, List.of(
                new Line(1_000, "v4 is serving", 0, 1, 100, 100)), 1_000));
        assertThat(out).contains("from v3 (1 web instance) to 1 new web instance, strategy rolling");
    }

    @Test
    void aPlanThatStopsEveryOldInstanceFirstSaysDowntime() {
        String out = render(new PlanView("shop", "production", "all-at-once", 3, 2, 2, List.of(
                new Line(0, "stop 2 old", 0, 0, 0, 0),
                new Line(2_000, "v4 is serving", 0, 2, 100, 100)), 2_000));
        assertThat(out).contains("DOWNTIME: capacity drops to 0% while the new instances start")
                .doesNotContain("capacity never below");
    }

    @Test
    void theJsonCarriesWhatTheTextSaysAndReadsBack() throws Exception {
        PlanView plan = new PlanView("shop", "production", "all-at-once", 3, 2, 2, List.of(
                new Line(0, "stop 2 old", 0, 0, 0, 0),
                new Line(2_000, "v4 is serving", 0, 2, 100, 100)), 2_000);
        String json = dev.cutover.model.json.Json.mapper().writeValueAsString(plan);
        assertThat(json).contains("\"lowestCapacityPercent\":0",
                "\"downtime\":\"capacity drops to 0% while the new instances start\"", "\"traffic\":\"none\"",
                "\"traffic\":\"0/100\"");
        assertThat(dev.cutover.model.json.Json.mapper().readValue(json, PlanView.class)).isEqualTo(plan);
    }

    @Test
    void aFirstDeploymentHasNoCapacityToCompareWith() {
        String out = render(new PlanView("shop", "production", "rolling", 0, 0, 2, List.of(
                new Line(0, "launched new-web-1 (v1 web)", 0, 1, 0, 0),
                new Line(1_000, "v1 is serving", 0, 2, 100, 100)), 1_000));
        assertThat(out).contains("from nothing to 2 new web instances").doesNotContain("DOWNTIME", "capacity never")
                .as("no old release to send traffic to before the first instance serves").doesNotContain("100/0")
                .containsPattern("launched new-web-1 \\(v1 web\\) +0 +1 +none +0%");
    }

    @Test
    void anEnvironmentScaledToNoWebInstanceAnswers503AndThePlanSaysSo() {
        String out = render(new PlanView("shop", "production", "rolling", 3, 0, 0, List.of(
                new Line(0, "v4 is serving", 0, 0, 100, 0)), 0));
        assertThat(out).contains("no web instance, now or after this deploy: shop/production answers 503 until it is "
                + "scaled up (cutover scale shop/production web=N)").doesNotContain("DOWNTIME");
    }

    @Test
    void aReleaseWithoutWebInstancesAfterOnesWithThemIsDowntime() {
        String out = render(new PlanView("shop", "production", "rolling", 3, 2, 0, List.of(
                new Line(0, "drain 2 old", 0, 0, 100, 0)), 0));
        assertThat(out).contains("DOWNTIME: no web instance after this deploy: shop/production would answer 503 from "
                + "then on (cutover deploy refuses it unless shop/production is scaled to web=0 first)");
    }

    private static String render(PlanView plan) {
        StringWriter text = new StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            PlanCommand.render(REF, plan, null, out);
        }
        return text.toString();
    }
}
