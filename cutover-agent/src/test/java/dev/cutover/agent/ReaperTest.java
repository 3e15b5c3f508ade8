package dev.cutover.agent;

import static dev.cutover.agent.testing.Specs.worker;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cutover.agent.testing.Harness;
import dev.cutover.model.agent.InstancePhase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("e2e")
class ReaperTest {

    @TempDir
    Path dataDir;

    Harness h;

    @BeforeEach
    void start() {
        h = new Harness(dataDir);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void anOrphanedGrandchildIsReparentedToTheAgentAndReaped() throws Exception {
        // The subshell starts a sleep and exits at once: the sleep is orphaned, re-parented to the agent (a child
        // subreaper), and becomes the agent's zombie when it ends. Nobody but the reaper would collect it.
        h.apply(worker("w-1", h.app, "(sleep 1 & echo orphan $!); exec sleep 1000"));
        h.await("w-1", r -> r.phase() == InstancePhase.RUNNING && h.log("w-1").contains("orphan"));
        Matcher m = Pattern.compile("orphan (\\d+)").matcher(h.log("w-1"));
        assertThat(m.find()).isTrue();
        Path stat = Path.of("/proc/" + m.group(1) + "/stat");
        // the subshell may not have exited yet when its echo is read: until it has, it is the sleep's parent
        await().atMost(Harness.PATIENCE).untilAsserted(() -> assertThat(parent(stat)).as("parent of the orphan")
                .isEqualTo(ProcessHandle.current().pid()));

        await().atMost(Harness.PATIENCE).until(() -> !Files.exists(stat));
        assertThat(h.find("w-1").orElseThrow().phase()).isEqualTo(InstancePhase.RUNNING);
    }

    private static long parent(Path stat) throws java.io.IOException {
        String line = Files.readString(stat);
        return Long.parseLong(line.substring(line.lastIndexOf(')') + 2).split(" ")[1]);
    }
}
