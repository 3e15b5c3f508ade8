package dev.cutover.agent.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.agent.testing.FakeBuilds;
import dev.cutover.agent.testing.TestArchives;
import dev.cutover.agent.testing.TestArchives.Writer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BuildCacheTest {

    @TempDir
    Path dataDir;

    final FakeBuilds builds = new FakeBuilds();

    static Stream<Arguments> maliciousArchives() {
        return Stream.of(
                bad("absolute path", "/tmp/evil", w -> w.file("/tmp/evil", "x", 0644)),
                bad("'..' escape", "../evil", w -> w.file("../evil", "x", 0644)),
                bad("'..' in the middle", "a/../../evil", w -> w.dir("a").file("a/../../evil", "x", 0644)),
                bad("symlink escaping", "link", w -> w.symlink("link", "../../etc")),
                bad("symlink to an absolute path", "passwd", w -> w.symlink("passwd", "/etc/passwd")),
                bad("hard link escaping", "hard", w -> w.hardlink("hard", "../outside")),
                bad("hard link to an absolute path", "shadow", w -> w.hardlink("shadow", "/etc/shadow")),
                bad("character device", "dev/null", w -> w.entry("dev/null", TarArchiveEntry.LF_CHR)),
                bad("block device", "sda", w -> w.entry("sda", TarArchiveEntry.LF_BLK)),
                bad("fifo", "pipe", w -> w.entry("pipe", TarArchiveEntry.LF_FIFO)),
                bad("writing through a symlink", "out/x",
                        w -> w.dir("sub").symlink("out", "sub").file("out/x", "x", 0644)));
    }

    private static Arguments bad(String what, String entry, Consumer<Writer> body) {
        return Arguments.of(what, entry, TestArchives.tarGz(w -> body.accept(w.file("ok.txt", "fine", 0644))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("maliciousArchives")
    void aMaliciousArchiveIsRejectedNamingTheEntry(String what, String entry, byte[] archive) {
        String sha = builds.add(archive);
        BuildCache cache = new BuildCache(dataDir, builds);

        assertThatThrownBy(() -> cache.release(sha))
                .isInstanceOf(BuildException.class)
                .hasMessageContaining("unsafe archive: entry '" + entry + "'");
        assertThat(dataDir.resolve("releases").resolve(sha)).doesNotExist();
        assertThat(dataDir.getParent().resolve("evil")).doesNotExist();
        try (Stream<Path> left = Files.list(dataDir.resolve("releases"))) {
            assertThat(left).as("temporary directories are removed").isEmpty();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aGoodArchiveIsUnpackedReadOnlyKeepingTheExecutableBitAndLinksInside() throws Exception {
        String sha = builds.add(TestArchives.tarGz(w -> w.dir("bin")
                .file("bin/run", "#!/bin/sh\n", 0755)
                .file("README", "hi", 0644)
                .symlink("bin/readme", "../README")
                .hardlink("README.copy", "README")));
        BuildCache cache = new BuildCache(dataDir, builds);

        Path release = cache.release(sha);

        assertThat(release).isEqualTo(dataDir.resolve("releases").resolve(sha));
        assertThat(Files.getPosixFilePermissions(release.resolve("bin/run")))
                .contains(PosixFilePermission.OWNER_EXECUTE)
                .doesNotContain(PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE);
        assertThat(Files.getPosixFilePermissions(release.resolve("README")))
                .doesNotContain(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readSymbolicLink(release.resolve("bin/readme"))).isEqualTo(Path.of("../README"));
        assertThat(Files.readString(release.resolve("bin/readme"))).isEqualTo("hi");
        assertThat(Files.readString(release.resolve("README.copy"))).isEqualTo("hi");
        assertThat(dataDir.resolve("builds").resolve(sha + ".tar.gz")).exists();

        assertThat(cache.release(sha)).isEqualTo(release);
        assertThat(builds.opens.get()).as("fetched once").isEqualTo(1);
    }

    @Test
    void aWorkingDirectoryHardLinksTheReleaseAndIsWritable() throws Exception {
        String sha = builds.add(TestArchives.tarGz(w -> w.dir("bin").file("bin/run", "#!/bin/sh\n", 0755)
                .symlink("run", "bin/run")));
        BuildCache cache = new BuildCache(dataDir, builds);
        Path release = cache.release(sha);
        Path work = dataDir.resolve("instances").resolve("web-1");
        Files.createDirectories(work.getParent());

        cache.prepareWorkingDirectory(release, work);

        assertThat(Files.getAttribute(work.resolve("bin/run"), "unix:ino"))
                .isEqualTo(Files.getAttribute(release.resolve("bin/run"), "unix:ino"));
        assertThat(Files.isSymbolicLink(work.resolve("run"))).isTrue();
        Files.writeString(work.resolve("bin/created-by-app"), "ok");
        assertThat(release.resolve("bin/created-by-app")).doesNotExist();

        cache.deleteWorkingDirectory(work);
        assertThat(work).doesNotExist();
        assertThat(release.resolve("bin/run")).exists();
    }

    @Test
    void pruneDeletesTheCopiesOfUnusedBuildsButTheOnesUsedLastAndFetchesThemAgainWhenNeeded() throws Exception {
        BuildCache cache = new BuildCache(dataDir, builds);
        Instant t0 = Instant.parse("2026-06-01T12:00:00Z");
        List<String> shas = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int n = i;
            String sha = builds.add(TestArchives.tarGz(w -> w.file("app.txt", "release " + n, 0644)));
            cache.release(sha);
            // each was in use in its turn, the last one now
            cache.prune(Set.copyOf(shas.subList(Math.max(0, shas.size() - 1), shas.size())), 10,
                    t0.plusSeconds(60L * i));
            shas.add(sha);
        }
        Path work = dataDir.resolve("instances").resolve("web-1");
        Files.createDirectories(work.getParent());
        cache.prepareWorkingDirectory(cache.release(shas.get(0)), work); // a process still runs the oldest
        Path leftover = Files.createDirectories(dataDir.resolve("releases").resolve("." + shas.get(1) + ".tmp-x"));
        Files.setLastModifiedTime(leftover, FileTime.from(t0.minus(Duration.ofHours(2))));

        List<Path> trash = cache.prune(Set.of(shas.get(5)), 2, t0.plusSeconds(600));

        // in use: 5; kept as used last: 4 and 3; deleted: 2, 1 and 0 (the running process keeps its hard links)
        try (Stream<Path> left = Files.list(dataDir.resolve("releases"))) {
            assertThat(left.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")))
                    .containsExactlyInAnyOrder(shas.get(5), shas.get(4), shas.get(3));
        }
        for (String sha : shas.subList(0, 3)) {
            assertThat(dataDir.resolve("builds").resolve(sha + ".tar.gz")).doesNotExist();
        }
        assertThat(trash).hasSize(4).contains(leftover);
        for (Path p : trash) {
            cache.deletePruned(p);
        }
        try (Stream<Path> left = Files.list(dataDir.resolve("releases"))) {
            assertThat(left.filter(p -> p.getFileName().toString().startsWith("."))).isEmpty();
        }
        assertThat(Files.readString(work.resolve("app.txt"))).isEqualTo("release 0");

        int fetched = builds.opens.get();
        assertThat(Files.readString(cache.release(shas.get(0)).resolve("app.txt"))).isEqualTo("release 0");
        assertThat(builds.opens.get()).isEqualTo(fetched + 1);
        assertThat(cache.prune(Set.of(shas.get(0), shas.get(5)), 2, t0.plusSeconds(660))).isEmpty();
    }

    @Test
    void aMalformedDigestIsRejectedBeforeAnyFetch() {
        BuildCache cache = new BuildCache(dataDir, builds);

        assertThatThrownBy(() -> cache.release("../../etc"))
                .isInstanceOf(BuildException.class)
                .hasMessage("build: ../../etc (expected: a sha256 as 64 lowercase hex digits)");
        assertThat(builds.opens.get()).isZero();
    }

    @Test
    void aMissingBuildFailsWithItsDigest() {
        BuildCache cache = new BuildCache(dataDir, builds);
        String sha = "a".repeat(64);

        assertThatThrownBy(() -> cache.release(sha))
                .isInstanceOf(BuildException.class)
                .hasMessageStartingWith("build " + sha + ": cannot fetch:");
        assertThat(Files.exists(dataDir.resolve("builds").resolve(sha + ".tar.gz"), LinkOption.NOFOLLOW_LINKS))
                .isFalse();
    }
}
