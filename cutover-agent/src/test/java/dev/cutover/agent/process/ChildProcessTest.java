package dev.cutover.agent.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChildProcessTest {

    @Test
    void aSlowHandlerOfOneExitHoldsUpNoOtherProcessesExit() throws Exception {
        CountDownLatch handling = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ChildProcess first = new ChildProcess(new ProcessBuilder("true").start(), 0);
        CompletableFuture<Void> slow = first.onExit().thenAccept(status -> {
            handling.countDown();
            try {
                release.await(); // what deleting a large working directory would do to the thread it runs on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            assertThat(handling.await(10, TimeUnit.SECONDS)).isTrue();

            ChildProcess second = new ChildProcess(new ProcessBuilder("sh", "-c", "exit 3").start(), 0);

            assertThat(second.onExit().get(10, TimeUnit.SECONDS).describe()).isEqualTo("exited: code 3");
        } finally {
            release.countDown();
        }
        slow.get(10, TimeUnit.SECONDS);
    }
}
