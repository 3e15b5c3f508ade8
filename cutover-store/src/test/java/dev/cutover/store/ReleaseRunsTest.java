package dev.cutover.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseRunsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = T0.plusSeconds(3);

    @Test
    void aRunIsWantedFromItsStartToItsEndAndRepeatedWritesChangeNothing(@TempDir Path dir) throws Exception {
        Store store = Store.openEmbedded(dir);
        long env = store.tx(h -> Environments.findOrCreate(h, "shop", "production", T0)).id();
        long d = store.tx(h -> Deployments.create(h, env, 1, null, "deploy", "rolling", "running", T0));
        assertThat(store.read(ReleaseRuns::wanted)).isEmpty();

        store.tx(h -> {
            ReleaseRuns.start(h, d, "d" + d + "-release", "./bin/migrate", T0);
            ReleaseRuns.start(h, d, "d" + d + "-release", "./bin/migrate", T1); // a controller acting again
            return null;
        });
        assertThat(store.read(ReleaseRuns::wanted)).singleElement().satisfies(r -> {
            assertThat(r.run()).isEqualTo("d" + d + "-release");
            assertThat(r.startedAt()).isEqualTo(T0);
            assertThat(r.ended()).isFalse();
        });
        boolean known = store.read(h -> ReleaseRuns.known(h, "d" + d + "-release"));
        assertThat(known).isTrue();

        store.tx(h -> {
            ReleaseRuns.end(h, d, T1, "failed", 3, 2500L, "migrating\ncannot apply 7\n");
            ReleaseRuns.end(h, d, T1.plusSeconds(1), "stopped", null, null, "");
            return null;
        });
        assertThat(store.read(ReleaseRuns::wanted)).isEmpty();
        ReleaseRunRow ended = store.read(h -> ReleaseRuns.of(h, d)).orElseThrow();
        assertThat(ended.endedAt()).isEqualTo(T1);
        assertThat(ended.outcome()).isEqualTo("failed");
        assertThat(ended.exitCode()).isEqualTo(3);
        assertThat(ended.durationMillis()).isEqualTo(2500L);
        assertThat(ended.output()).isEqualTo("migrating\ncannot apply 7\n");
        assertThat(ended.command()).isEqualTo("./bin/migrate");
    }
}
