package dev.cutover.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.model.bundle.Bundle;
import dev.cutover.model.name.EnvRef;
import dev.cutover.server.api.ApiException;
import dev.cutover.store.BlobStore;
import dev.cutover.store.Builds;
import dev.cutover.store.DeploymentRow;
import dev.cutover.store.Deployments;
import dev.cutover.store.Environments;
import dev.cutover.store.Instances;
import dev.cutover.store.ReleaseRow;
import dev.cutover.store.Releases;
import dev.cutover.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildRetentionTest {

    private static final Instant T0 = Instant.parse("2026-06-01T12:00:00Z");
    private static final Duration GRACE = Duration.ofHours(1);

    @Test
    void deletesOnlyBuildsNoReleaseRefersToOnceUntouchedForTheGrace(@TempDir Path tmp) throws Exception {
        try (Store store = Store.openEmbedded(tmp.resolve("data"))) {
            BlobStore blobs = new BlobStore(tmp.resolve("data/builds"));
            Deployer deployer = new Deployer(store, blobs, Clock.fixed(T0, ZoneOffset.UTC), false);
            BuildRetention retention = new BuildRetention(store, blobs, GRACE, 0);

            String deployed = upload(store, blobs, tmp, "deployed", T0);
            String unused = upload(store, blobs, tmp, "unused", T0);
            String removed = upload(store, blobs, tmp, "removed", T0);
            deployer.deploy(EnvRef.parse("shop/production"), deployed, "v1", null);
            deployer.deploy(EnvRef.parse("shop/staging"), removed, "v1", null);
            store.tx(h -> {
                Environments.delete(h, Environments.find(h, "shop", "staging").orElseThrow().id());
                return null;
            });
            Path crashedUpload = Files.writeString(tmp.resolve("data/builds/.upload-123.tmp"), "half");
            Files.setLastModifiedTime(crashedUpload, java.nio.file.attribute.FileTime.from(T0));

            // within the grace, nothing goes
            assertThat(retention.sweep(T0.plus(GRACE).minusSeconds(1))).isEmpty();

            // a HEAD before a deploy counts as use: the unused build asked for again stays another grace
            blobs.touch(unused, T0.plus(Duration.ofMinutes(30)));
            assertThat(retention.sweep(T0.plus(GRACE).plusSeconds(1)))
                    .extracting(e -> e.sha() == null ? e.file().getFileName().toString() : e.sha())
                    .containsExactlyInAnyOrder(removed, ".upload-123.tmp");
            assertThat(blobs.has(removed)).isFalse();
            assertThat(exists(store, removed)).isFalse();
            assertThat(blobs.has(deployed)).isTrue(); // the serving release's, however old
            assertThat(blobs.has(unused)).isTrue();

            assertThat(retention.sweep(T0.plus(Duration.ofDays(30))))
                    .extracting(BlobStore.Entry::sha).containsExactly(unused);
            assertThat(blobs.has(deployed)).isTrue();
            assertThat(exists(store, deployed)).isTrue();
        }
    }

    @Test
    void aDeployOfABuildDeletedSinceItsUploadIsRefusedSayingToUploadItAgain(@TempDir Path tmp) throws Exception {
        try (Store store = Store.openEmbedded(tmp.resolve("data"))) {
            BlobStore blobs = new BlobStore(tmp.resolve("data/builds"));
            Deployer deployer = new Deployer(store, blobs, Clock.fixed(T0, ZoneOffset.UTC), false);
            String build = upload(store, blobs, tmp, "app", T0);
            // the row went in a sweep between the deploy's look at the blob and its transaction
            store.tx(h -> Builds.deleteUnreferenced(h, build));
            assertThatThrownBy(() -> deployer.deploy(EnvRef.parse("shop/production"), build, "v1", null))
                    .isInstanceOf(ApiException.class)
                    .hasMessageContaining("is not uploaded (expected: PUT /api/builds/" + build + " first");
            boolean created = store.<Boolean>read(h -> Environments.find(h, "shop", "production").isPresent());
            assertThat(created).isFalse();
        }
    }

    @Test
    void withKeepReleasesOnlyTheNewestAndThoseThatMayStillRunKeepTheirBuild(@TempDir Path tmp) throws Exception {
        try (Store store = Store.openEmbedded(tmp.resolve("data"))) {
            BlobStore blobs = new BlobStore(tmp.resolve("data/builds"));
            Deployer deployer = new Deployer(store, blobs, Clock.fixed(T0, ZoneOffset.UTC), false);
            BuildRetention retention = new BuildRetention(store, blobs, GRACE, 2);
            EnvRef shop = EnvRef.parse("shop/production");
            String a = upload(store, blobs, tmp, "a", T0);
            String b = upload(store, blobs, tmp, "b", T0);
            String c = upload(store, blobs, tmp, "c", T0);
            String d = upload(store, blobs, tmp, "d", T0);
            String e = upload(store, blobs, tmp, "e", T0);
            for (String build : List.of(a, b, c, d, a)) { // v1 to v5; v5 is v1's build again
                succeed(store, deployer.deploy(shop, build, null, null));
            }
            // an instance of v2 still stopping (its end not reported yet) keeps v2's build until it has ended
            store.tx(h -> {
                long env = Environments.find(h, "shop", "production").orElseThrow().id();
                Instances.launch(h, "web-old", env, 2, "web", "local", T0);
                Instances.stop(h, "web-old", T0);
                return null;
            });

            retention.sweep(T0.plusSeconds(60));
            // kept: v5 (newest, serving; build a, so v1 too), v4 (newest, and rollback's default), v2 (an instance)
            assertThat(blobs.has(c)).isFalse();
            assertThat(exists(store, c)).isFalse();
            assertThat(List.of(a, b, d, e)).allMatch(blobs::has);
            assertThat(release(store, 3).buildDeletedAt()).isEqualTo(T0.plusSeconds(60));
            assertThat(release(store, 1).buildDeletedAt()).isNull();

            store.tx(h -> {
                Instances.ended(h, "web-old", "stopped");
                return null;
            });
            // a deployment in progress keeps its release and the one it goes from; e is not a release's, and young
            long running = deployer.deploy(shop, e, null, null); // v6, from v5
            retention.sweep(T0.plusSeconds(120));
            assertThat(blobs.has(b)).isFalse();
            assertThat(List.of(a, d, e)).allMatch(blobs::has);

            succeed(store, running);
            assertThatThrownBy(() -> deployer.rollback(shop, 2)).isInstanceOf(ApiException.class)
                    .hasMessageContaining("v2's build was deleted at " + T0.plusSeconds(120))
                    .hasMessageContaining("--keep-releases")
                    .hasMessageContaining("cutover deploy DIR --to shop/production --version " + b.substring(0, 12));
            // uploaded again (the CLI's HEAD finds it missing), the build is there for a new release
            upload(store, blobs, tmp, "b", T0.plusSeconds(180));
            assertThat(exists(store, b)).isTrue();
            succeed(store, deployer.deploy(shop, b, null, null)); // v7
            assertThat(release(store, 2).buildDeletedAt()).isNull(); // v2 is b's: there again

            // the environment removed, the rows of its deleted builds go too
            retention.sweep(T0.plusSeconds(240)); // keeps v7 (b), v6 (e): a and d go now
            assertThat(List.of(a, d)).noneMatch(blobs::has);
            store.tx(h -> {
                Environments.delete(h, Environments.find(h, "shop", "production").orElseThrow().id());
                return null;
            });
            retention.sweep(T0.plusSeconds(300));
            int rows = store.<Integer>read(h -> h.createQuery("SELECT COUNT(*) FROM builds").mapTo(Integer.class).one());
            assertThat(rows).isEqualTo(2); // b and e: unreferenced now, and deleted once untouched for the grace
        }
    }

    private static void succeed(Store store, long deployment) {
        store.tx(h -> {
            DeploymentRow d = Deployments.get(h, deployment).orElseThrow();
            Deployments.save(h, deployment, "succeeded", d.state(), T0);
            Environments.setServing(h, d.envId(), d.release());
            return null;
        });
    }

    private static ReleaseRow release(Store store, int number) {
        return store.read(h -> Releases.get(h, Environments.find(h, "shop", "production").orElseThrow().id(), number)
                .orElseThrow());
    }

    private static boolean exists(Store store, String build) {
        return store.<Boolean>read(h -> Builds.exists(h, build));
    }

    /** Packs a one-file app named {@code name}, stores it as an upload would, dated {@code at}. */
    private static String upload(Store store, BlobStore blobs, Path tmp, String name, Instant at) throws Exception {
        Path app = Files.createDirectories(tmp.resolve("apps/" + name));
        Files.writeString(app.resolve("cutover.yml"), "processes:\n  web: { command: \"exec python3 -m http.server "
                + "$PORT\" }\n# " + name + "\n");
        Path bundle = tmp.resolve(name + ".tar.gz");
        String sha = Bundle.pack(app, bundle);
        long size;
        try (var in = Files.newInputStream(bundle)) {
            size = blobs.put(sha, in);
        }
        store.tx(h -> {
            Builds.record(h, sha, size, at);
            return null;
        });
        blobs.touch(sha, at);
        return sha;
    }
}
