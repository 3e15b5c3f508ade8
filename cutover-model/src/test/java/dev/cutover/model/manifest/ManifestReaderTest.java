package dev.cutover.model.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ManifestReaderTest {

    @Test
    void readsTheDesignExampleWithDefaultsFilledIn() {
        Manifest m = ManifestReader.parseYaml("""
                processes:
                  web:    { command: "./bin/server", instances: 2 }
                  worker: { command: "./bin/worker", instances: 1, stop-signals: [TERM, INT, KILL] }
                build:   ["./build.sh"]
                health:  { path: /health, interval: 1s, timeout: 1s, healthy-threshold: 2, unhealthy-threshold: 3 }
                deploy:  { strategy: rolling, stop-timeout: 90s, deadline: 2m, watch: 30s }
                """);
        assertThat(m.processes()).containsOnlyKeys("web", "worker");
        assertThat(m.processes().get("web").stopSignals()).containsExactly("INT", "KILL");
        assertThat(m.processes().get("worker").stopSignals()).containsExactly("TERM", "INT", "KILL");
        assertThat(m.build()).containsExactly("./build.sh");
        assertThat(m.health().path()).isEqualTo("/health");
        assertThat(m.deploy().stopTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(m.deploy().deadline()).isEqualTo(Duration.ofMinutes(2));
        assertThat(m.deploy().watch()).isEqualTo(Duration.ofSeconds(30));
        assertThat(ManifestReader.parseYaml("processes: { web: x }\ndeploy: { strategy: canary }\n").deploy().watch())
                .isEqualTo(DeployPolicy.DEFAULT_WATCH);
    }

    @Test
    void theReleaseCommandIsAString() {
        Manifest m = ManifestReader.parseYaml("processes: { web: x }\nrelease: \"./bin/migrate --all\"\n");
        assertThat(m.release()).isEqualTo("./bin/migrate --all");
        assertThat(ManifestReader.parseYaml("processes: { web: x }\n").release()).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"\"\"", "\"  \"", "", "[a, b]", "{ command: x }", "3"})
    void aReleaseThatIsNotACommandIsRejectedNamingIt(String value) {
        assertThatThrownBy(() -> ManifestReader.parseYaml("processes: { web: x }\nrelease: " + value + "\n"))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("release: ")
                .hasMessageEndingWith("(expected: a command, e.g. \"./bin/migrate\")");
    }

    @Test
    void aProblemInEachSectionIsReportedInOnePassEachOnItsLine() {
        assertThatThrownBy(() -> ManifestReader.parseYaml("""
                processes: { web: { command: x, instances: two } }
                health: { path: health }
                deploy: { strategy: bluegreen }
                colour: blue
                """))
                .isInstanceOf(ManifestException.class)
                .hasMessage("""
                        4 problems in the manifest:
                          processes.web.instances: 'two' (expected: an integer from 0 to 1000)
                          health.path: 'health' (expected: a path starting with '/')
                          deploy.strategy: 'bluegreen' (expected: one of all-at-once, rolling, \
                        rolling-with-additional-batch, immutable, blue-green, canary, linear, steps, or a preset: \
                        canary-10-15m, canary-10-5m, linear-10-1m, linear-10-3m)
                          colour: unknown key (expected one of: build, deploy, health, processes, release, routing)""")
                .extracting(e -> ((ManifestException) e).field()).isEqualTo("processes.web.instances");
    }

    @Test
    void aProcessMayBeJustACommand() {
        Manifest m = ManifestReader.parseYaml("processes:\n  web: ./server\n");
        assertThat(m.processes().get("web").instances()).isEqualTo(1);
        assertThat(m.health()).isEqualTo(HealthSpec.TCP_DEFAULT);
        assertThat(m.deploy()).isEqualTo(DeployPolicy.DEFAULT);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "processes: {}                                          | processes: an empty map (expected: a map of process types",
        "processes: { web: x }\\nother: 1                        | other: unknown key (expected one of: build, deploy, health, processes, release, routing)",
        "processes: { Web: x }                                  | processes.Web: 'Web' (expected: a process type name",
        "processes: { web: { command: '' } }                    | processes.web.command: '' (expected: a command",
        "processes: { worker: { command: x, overlap: sometimes } } | processes.worker.overlap: 'sometimes' (expected: never or allowed)",
        "processes: { web: { command: x, instances: 1001 } }    | processes.web.instances: 1001 (expected: an integer from 0 to 1000)",
        "processes: { web: { command: x, instances: two } }     | processes.web.instances: 'two' (expected: an integer from 0 to 1000)",
        "processes: { web: { command: x, stop-signals: [BYE] } } | processes.web.stop-signals[0]: 'BYE' (expected: one of HUP, INT, KILL, QUIT, TERM, USR1, USR2)",
        "processes: { web: x }\\nhealth: { path: health }         | health.path: 'health' (expected: a path starting with '/')",
        "processes: { web: x }\\nhealth: { timeout: 0s }          | health.timeout: '0s' (expected: a duration above zero",
        "processes: { web: x }\\nhealth: { healthy-threshold: 0 } | health.healthy-threshold: 0 (expected: an integer from 1 to 100)",
        "processes: { web: x }\\ndeploy: { strategy: bluegreen }  | deploy.strategy: 'bluegreen' (expected: one of all-at-once, rolling",
        "processes: { web: x }\\ndeploy: { strategy: canary, percent: 100 } | deploy.percent: 100 (expected: an integer from 1 to 99)",
        "processes: { web: x }\\ndeploy: { strategy: rolling, batch: 0 }    | deploy.batch: 0 (expected: a count of at least 1 or a percentage such as 25%)",
        "processes: { web: x }\\ndeploy: { strategy: steps, steps: [{jump: 1}] } | deploy.steps[0].jump: unknown step",
        "processes: { web: x }\\ndeploy: { strategy: canary, analysis: { max-error-rate: lots } } | deploy.analysis.max-error-rate: 'lots' (expected: a percentage",
        "processes: { web: x }\\ndeploy: { strategy: canary, analysis: { max-error-rate: 0.5 } } | deploy.analysis.max-error-rate: 0.5 (expected: a percentage with its % sign, such as 1% or 0.5%: a bare 0.5 could mean 0.5% or 50%)",
        "processes: { web: x }\\ndeploy: { strategy: canary, analysis: { inconclusive: shrug } } | deploy.analysis.inconclusive: 'shrug' (expected: wait, pause, fail or proceed)",
        "processes: { web: x }\\nhealth: { path: '/health now' } | health.path: '/health now' (expected: a path of printable ASCII without spaces; write a space or a non-ASCII character percent-encoded, e.g. %20 or %C3%BC for ü)",
        "processes: { web: x }\\nhealth: { path: '/grüße' }      | health.path: '/grüße' (expected: a path of printable ASCII without spaces",
        "processes: { web: x }\\ndeploy: { strategy: 7 }          | deploy.strategy: 7 (expected: one of all-at-once, rolling, rolling-with-additional-batch, immutable, blue-green, canary, linear, steps, or a preset such as canary-10-5m)",
        "processes: { web: x }\\ndeploy: { stop-timeout: 90 }     | deploy.stop-timeout: 90 (expected: a duration",
        "processes: { web: x }\\ndeploy: { watch: soon }          | deploy.watch: 'soon' (expected: a duration such as 0s",
        "processes: { web: x }\\ndeploy: { percent: 10 }          | deploy.percent: not a parameter of rolling (expected one of: batch, surge, or the common",
        "processes: { web: x }\\ndeploy: { min-healthy-time: 30s, deadline: 8s } | deploy.min-healthy-time: 30s (expected: shorter than deploy.deadline, 8s: a new instance must become healthy and stay so",
        "processes: { web: x }\\ndeploy: { min-healthy-time: 10m } | deploy.min-healthy-time: 10m (expected: shorter than deploy.deadline, 10m",
        "processes: { web: x }\\ndeploy: { deadline: 1ms }         | deploy.deadline: '1ms' (expected: a duration of at least 1s, such as 1m or 10m: how long one step may take",
        "processes: { web: x }\\ndeploy: { deadline: 0s }          | deploy.deadline: '0s' (expected: a duration of at least 1s, such as 1m or 10m: how long one step may take",
        "processes: { web: x }\\ndeploy: { deadline: 1s }          | deploy.deadline: '1s' (expected: a deadline longer than health.healthy-threshold (2) probes take at the default health.interval (1s)",
        "processes: { web: x }\\ndeploy: { deadline: 9999999999h } | deploy.deadline: '9999999999h' (expected: a duration of at least 1s, such as 1m or 10m: how long one step may take, such as a new instance starting and passing its health checks; at most 9 digits before the unit)",
        "processes: { web: x }\\ndeploy: { keep-old: 2d }          | deploy.keep-old: not a parameter of rolling",
        "processes: { web: x }\\ndeploy: { strategy: blue-green, keep-old: 2d } | deploy.keep-old: '2d' (expected: a duration such as 0s, 30s, 10m or 1h; the units are ms, s, m and h: 48h for 2d)",
        "processes: { web: x }\\nhealth: { timeout: 5 min }       | health.timeout: '5 min' (expected: a duration above zero such as 500ms, 5s, 10m or 1h; the units are ms, s, m and h: 5m for 5 min)",
        "processes: { web: x }\\ndeploy: { strategy: steps, steps: [{pause: forever}] } | deploy.steps[0].pause: 'forever' (expected: a duration above zero such as 30s or 10m, or until-promote (waits for cutover promote))",
        "processes: [web]                                       | processes: a list (expected: a map of process types",
        "processes: { web: { command: x, instances: null } }   | processes.web.instances: missing (expected: an integer from 0 to 1000, or leave the key out for 1)",
        "processes: { web: { command: x, stop-signals: [KILL, INT] } } | processes.web.stop-signals[1]: 'INT' (expected: nothing after KILL, which cannot be caught",
        "processes: { web: x }\\nhealth: { path: /, interval: 1ms, timeout: 1ms } | health.interval: '1ms' (expected: a duration of at least 100ms: a probe more often than that is load on the app)",
        "processes: { web: x }\\nhealth: { path: /, interval: 99999h } | health.interval: '99999h' (expected: an interval short enough for health.healthy-threshold (2) probes to pass within deploy.deadline (10m)",
        "processes: { web: x }\\nhealth: { interval: 20s, healthy-threshold: 4 }\\ndeploy: { deadline: 60s } | health.interval: '20s' (expected: an interval short enough for health.healthy-threshold (4) probes to pass within deploy.deadline (1m): the first probe comes at once and the last 1m later",
        "'processes: { web: x'                                  | cutover.yml: not valid YAML",
        "processes:\\n  web: x\\n  web: y                         | processes.web: given twice, the second time at line 3 (expected: each key once; YAML would keep only the last)",
        "processes: {web: {command: a, instances: 1, instances: 2}} | processes.web.instances: given twice, the second time at line 1 (expected: each key once; YAML would keep only the last)",
        "processes: {web: a}\\ndeploy:\\n  strategy: rolling\\n  strategy: canary | deploy.strategy: given twice, the second time at line 4 (expected: each key once; YAML would keep only the last)",
        "processes:\\n  web: a\\n\tworker: b                          | cutover.yml: not valid YAML at line 3: while scanning for the next token",
    })
    void rejectsBadInputNamingFieldValueAndExpectation(String yaml, String message) {
        assertThatThrownBy(() -> ManifestReader.parseYaml(yaml.replace("\\n", "\n")))
                .isInstanceOf(ManifestException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void presetsAndOverridesExpandToTheirPrograms() {
        Manifest m = ManifestReader.parseYaml("processes: { web: x }\ndeploy: { strategy: canary-10-15m }\n");
        assertThat(m.deploy().strategy()).isEqualTo("canary");
        assertThat(m.deploy().steps()).containsExactly(new TrafficStep.SetWeight(10),
                new TrafficStep.Pause(Duration.ofMinutes(15)), new TrafficStep.SetWeight(100));

        Manifest changed = ManifestReader.parseYaml("processes: { web: x }\ndeploy: { strategy: rolling, batch: 2 }\n",
                new ManifestReader.DeployOverrides("linear", java.util.Map.of("percent", "50", "interval", "2m",
                        "analysis.max-error-rate", "5%")));
        assertThat(changed.deploy().strategy()).isEqualTo("linear");
        assertThat(changed.deploy().steps()).containsExactly(new TrafficStep.SetWeight(50),
                new TrafficStep.Pause(Duration.ofMinutes(2)), new TrafficStep.SetWeight(100));
        assertThat(changed.deploy().analysis().maxErrorRate()).isEqualTo(0.05);
        assertThat(ManifestReader.parseYaml("processes: { web: x }\ndeploy: { strategy: canary, analysis: "
                + "{ inconclusive: proceed } }\n").deploy().analysis().inconclusive())
                .isEqualTo(Analysis.Inconclusive.PROCEED);
    }

    @Test
    void stepsGivenWithSetAreReadAsInTheFileAndASecondStrategyIsRefused() {
        Manifest m = ManifestReader.parseYaml("processes: { web: x }\n", new ManifestReader.DeployOverrides("steps",
                java.util.Map.of("steps", "[{set-weight: 20}, {pause: 5m}]")));
        assertThat(m.deploy().steps()).containsExactly(new TrafficStep.SetWeight(20),
                new TrafficStep.Pause(Duration.ofMinutes(5)));

        assertThatThrownBy(() -> ManifestReader.parseYaml("processes: { web: x }\n",
                new ManifestReader.DeployOverrides("canary", java.util.Map.of("strategy", "rolling"))))
                .hasMessage("--set strategy: 'rolling' (expected: no second strategy: --strategy canary is given too; "
                        + "give one of the two)");
        assertThat(ManifestReader.parseYaml("processes: { web: x }\n", new ManifestReader.DeployOverrides("canary",
                java.util.Map.of("strategy", "canary"))).deploy().strategy()).isEqualTo("canary");
        assertThatThrownBy(() -> ManifestReader.parseYaml("processes: { web: x }\n",
                new ManifestReader.DeployOverrides("rolling", java.util.Map.of("batch", "[1, 2]"))))
                .hasMessageStartingWith("deploy.batch: ");
    }

    @Test
    void readsAProcfile() {
        Manifest m = ManifestReader.parseProcfile("# comment\nweb: ./server --port $PORT\n\nworker: ./worker\n");
        assertThat(m.processes()).containsOnlyKeys("web", "worker");
        assertThat(m.processes().get("web").command()).isEqualTo("./server --port $PORT");
    }

    @Test
    void aProcfileLineWithoutACommandIsNamed() {
        assertThatThrownBy(() -> ManifestReader.parseProcfile("web: ./server\nworker:\n"))
                .hasMessage("Procfile line 2: 'worker:' (expected: a command after 'worker:')");
    }

    @Test
    void durationsRoundTrip() {
        for (String text : List.of("500ms", "5s", "90s", "10m", "1h")) {
            assertThat(DurationText.format(DurationText.parse("f", text))).isEqualTo(text);
        }
        assertThat(DurationText.format(Duration.ofSeconds(120))).isEqualTo("2m");
    }
}
