package dev.cutover.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cutover.router.standalone.RoutesFileException;
import dev.cutover.router.standalone.RoutesReloader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandaloneRouterTest {

    @TempDir
    Path dir;

    private Router router;
    private TestBackend blue;
    private TestBackend green;
    private Path file;

    @BeforeEach
    void start() throws Exception {
        router = Router.start(RouterConfig.defaults("127.0.0.1", 0));
        blue = TestBackend.start("blue");
        green = TestBackend.start("green");
        file = dir.resolve("routes.yml");
    }

    @AfterEach
    void stop() {
        router.close();
        blue.close();
        green.close();
    }

    private String routesTo(TestBackend backend) {
        return """
                routes:
                  - environment: shop/production
                    hosts: [shop.example.com]
                    groups:
                      - name: v1
                        targets: [127.0.0.1:%d]
                """.formatted(backend.port());
    }

    /** Writes the way careful tools do: a temporary file renamed over the old one. */
    private void write(String text) throws Exception {
        Path tmp = Files.writeString(dir.resolve("routes.yml.tmp"), text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void servesTheRoutesOfTheFile() throws Exception {
        write(routesTo(blue));
        new RoutesReloader(file, router).loadInitial();

        assertThat(HttpConnection.getOnce(router.port(), "shop.example.com", "/").text()).isEqualTo("blue");
        assertThat(router.appliedVersion()).isEqualTo(1);
    }

    @Test
    void anInvalidFileFailsTheStart() throws Exception {
        write("routes: [ {environment: e} ]");
        assertThatThrownBy(() -> new RoutesReloader(file, router).loadInitial())
                .isInstanceOf(RoutesFileException.class)
                .hasMessageStartingWith("routes[0].hosts: missing");
    }

    @Test
    void aChangedFileIsAppliedAsANewTable() throws Exception {
        write(routesTo(blue));
        RoutesReloader reloader = new RoutesReloader(file, router);
        reloader.loadInitial();
        assertThat(reloader.check()).as("unchanged").isFalse();

        write(routesTo(green));
        assertThat(reloader.check()).isTrue();

        assertThat(router.appliedVersion()).isEqualTo(2);
        assertThat(HttpConnection.getOnce(router.port(), "shop.example.com", "/").text()).isEqualTo("green");
    }

    @Test
    void aBadEditKeepsTheOldTableAndSaysWhy() throws Exception {
        write(routesTo(blue));
        RoutesReloader reloader = new RoutesReloader(file, router);
        reloader.loadInitial();

        write(routesTo(green).replace("127.0.0.1:", "127.0.0.1:x"));
        assertThat(reloader.check()).isFalse();

        assertThat(reloader.lastError()).contains("routes[0].groups[0].targets[0]: '127.0.0.1:x");
        assertThat(router.appliedVersion()).isEqualTo(1);
        assertThat(HttpConnection.getOnce(router.port(), "shop.example.com", "/").text()).isEqualTo("blue");

        write(routesTo(green));
        assertThat(reloader.check()).isTrue();
        assertThat(reloader.lastError()).isNull();
        assertThat(HttpConnection.getOnce(router.port(), "shop.example.com", "/").text()).isEqualTo("green");
    }

    @Test
    void aTlsSectionAddedAfterTheStartIsNamedAsNeedingARestartWhileItsRoutesApply() throws Exception {
        write(routesTo(blue));
        RoutesReloader reloader = new RoutesReloader(file, router);
        reloader.loadInitial();

        write(routesTo(green) + "tls:\n  port: 8443\n  certificates: [{cert: site.pem, key: site.key}]\n");
        assertThat(reloader.check()).isTrue();
        assertThat(HttpConnection.getOnce(router.port(), "shop.example.com", "/").text()).isEqualTo("green");
        assertThat(reloader.restartNeeded()).contains("its tls section changed, and it is read at start only")
                .contains("restart cutover router to apply it");

        write(routesTo(blue));
        assertThat(reloader.check()).isTrue();
        assertThat(reloader.restartNeeded()).as("back to what it started with").isNull();
    }

    @Test
    void aDeletedFileKeepsTheOldTable() throws Exception {
        write(routesTo(blue));
        RoutesReloader reloader = new RoutesReloader(file, router);
        reloader.loadInitial();

        Files.delete(file);
        assertThat(reloader.check()).isFalse();

        assertThat(reloader.lastError()).contains("cannot read");
        assertThat(HttpConnection.getOnce(router.port(), "shop.example.com", "/").text()).isEqualTo("blue");
    }

    @Test
    void theReloaderNoticesAChangeByItself() throws Exception {
        write(routesTo(blue));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (RoutesReloader reloader = new RoutesReloader(file, router)) {
            reloader.loadInitial();
            reloader.start(scheduler, Duration.ofMillis(50));

            write(routesTo(green));

            await().atMost(Duration.ofSeconds(20)).until(() -> router.appliedVersion() == 2);
            assertThat(HttpConnection.getOnce(router.port(), "shop.example.com", "/").text()).isEqualTo("green");
        } finally {
            scheduler.shutdownNow();
        }
    }
}
