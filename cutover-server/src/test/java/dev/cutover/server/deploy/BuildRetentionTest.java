package dev.cutover.server.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.model.bundle.Bundle;
import dev.cutover.model.name.EnvRef;
import dev.cutover.server.api.ApiException;
import dev.cutover.store.BlobStore;
import dev.cutover.store.Builds;
import dev.cutover.store.Environments;
import dev.cutover.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
            BuildRetention retention = new BuildRetention(store, blobs, GRACE);

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
