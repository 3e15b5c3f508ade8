package dev.cutover.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleTest {

    @Test
    void packingIsDeterministicSoAnUnchangedDirectoryHasTheSameDigest(@TempDir Path tmp) throws Exception {
        Path app = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(app.resolve("cutover.yml"), "processes:\n  web: ./server\n");
        Files.writeString(app.resolve("server"), "#!/bin/sh\n");
        Files.createDirectories(app.resolve(".git"));
        Files.writeString(app.resolve(".git/HEAD"), "ref");
        String first = Bundle.pack(app, tmp.resolve("a.tar.gz"));
        Files.setLastModifiedTime(app.resolve("server"), java.nio.file.attribute.FileTime.fromMillis(0));
        String second = Bundle.pack(app, tmp.resolve("b.tar.gz"));
        assertThat(second).isEqualTo(first).isEqualTo(Bundle.sha256(tmp.resolve("a.tar.gz")));

        Files.writeString(app.resolve("server"), "#!/bin/sh\necho changed\n");
        assertThat(Bundle.pack(app, tmp.resolve("c.tar.gz"))).isNotEqualTo(first);
    }

    @Test
    void aManifestThatIsNotUtf8IsRefusedNamingTheFileLineAndByte(@TempDir Path tmp) throws Exception {
        Path app = Files.createDirectories(tmp.resolve("app"));
        Files.write(app.resolve("cutover.yml"), "processes: { web: ./server }\n# caf\u00e9\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Bundle.manifestOf(app)).hasMessage("cutover.yml: line 2 has a byte that is not "
                + "UTF-8 (0xe9 at offset 34; expected: a UTF-8 text file: save it as UTF-8, e.g. with iconv -f latin1 "
                + "-t utf-8)");

        Bundle.pack(app, tmp.resolve("b.tar.gz"));
        try (var in = Files.newInputStream(tmp.resolve("b.tar.gz"))) {
            assertThatThrownBy(() -> Bundle.manifestOf(in)).as("the same from a bundle")
                    .hasMessageStartingWith("cutover.yml: line 2 has a byte that is not UTF-8 (0xe9");
        }
        Files.writeString(app.resolve("cutover.yml"), "processes: { web: ./server }\n# caf\u00e9\n");
        assertThat(Bundle.manifestOf(app).processes()).containsKey("web");
    }

    @Test
    void symlinksArePackedAsLinksWithoutContentAndNotFollowed(@TempDir Path tmp) throws Exception {
        Path app = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(app.resolve("cutover.yml"), "processes:\n  web: ./server\n");
        Files.createDirectories(app.resolve("lib/sub"));
        Files.writeString(app.resolve("lib/tool.py"), "print(1)\n");
        Files.writeString(app.resolve("lib/sub/x.txt"), "x\n");
        Files.createDirectories(app.resolve("node_modules/.bin"));
        Files.createSymbolicLink(app.resolve("node_modules/.bin/tool"), Path.of("../../lib/tool.py"));
        Files.createSymbolicLink(app.resolve("current"), Path.of("lib"));
        Bundle.pack(app, tmp.resolve("b.tar.gz"));

        Map<String, TarArchiveEntry> entries = new TreeMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(
                Files.newInputStream(tmp.resolve("b.tar.gz"))))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                entries.put(e.getName(), e);
            }
        }
        assertThat(entries.get("node_modules/.bin/tool").isSymbolicLink()).isTrue();
        assertThat(entries.get("node_modules/.bin/tool").getLinkName()).isEqualTo("../../lib/tool.py");
        assertThat(entries.get("node_modules/.bin/tool").getSize()).isZero();
        assertThat(entries.get("current").isSymbolicLink()).isTrue();
        assertThat(entries.get("current").getLinkName()).isEqualTo("lib");
        assertThat(entries).as("a linked directory is not walked twice").doesNotContainKey("current/tool.py");
        assertThat(entries.get("lib/tool.py").getSize()).isEqualTo(9);
    }

    @Test
    void aSymlinkLeadingOutOfTheDirectoryIsRefusedByName(@TempDir Path tmp) throws Exception {
        Path app = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(app.resolve("cutover.yml"), "processes:\n  web: ./server\n");
        Files.createDirectories(app.resolve("venv/bin"));
        Files.createSymbolicLink(app.resolve("venv/bin/python"), Path.of("/usr/bin/python3"));
        assertThatThrownBy(() -> Bundle.pack(app, tmp.resolve("b.tar.gz"))).hasMessage("venv/bin/python is a "
                + "symlink to /usr/bin/python3, outside the app directory (expected: links to files inside it; replace "
                + "the link with the file, or move what it points to into the directory)");

        Files.delete(app.resolve("venv/bin/python"));
        Files.createSymbolicLink(app.resolve("venv/bin/python"), Path.of("../../../elsewhere"));
        assertThatThrownBy(() -> Bundle.pack(app, tmp.resolve("b.tar.gz")))
                .hasMessageStartingWith("venv/bin/python is a symlink to ../../../elsewhere, outside the app directory");
    }

    @Test
    void theManifestIsReadBackFromTheBundle(@TempDir Path tmp) throws Exception {
        Path app = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(app.resolve("application"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(app.resolve("application"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Bundle.pack(app, tmp.resolve("b.tar.gz"));
        try (InputStream in = Files.newInputStream(tmp.resolve("b.tar.gz"))) {
            assertThat(Bundle.manifestOf(in).processes().get("web").command()).isEqualTo("./application");
        }
    }

    @Test
    void aDirectoryWithNothingToRunIsRejected(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("application"), "not executable");
        assertThatThrownBy(() -> Bundle.manifestOf(tmp))
                .hasMessageContaining("has no cutover.yml, no Procfile and no executable named 'application'")
                .hasMessageEndingWith("; its 'application' is not executable (chmod +x application)");
    }

    @Test
    void aBundleWithNothingToRunSaysWhatItHoldsInstead(@TempDir Path tmp) throws Exception {
        Path outer = Files.createDirectories(tmp.resolve("outer"));
        Path app = Files.createDirectories(outer.resolve("shop"));
        Files.writeString(app.resolve("cutover.yml"), "processes: { web: ./server }\n");
        Bundle.pack(outer, tmp.resolve("wrapped.tar.gz"));
        try (InputStream in = Files.newInputStream(tmp.resolve("wrapped.tar.gz"))) {
            assertThatThrownBy(() -> Bundle.manifestOf(in)).hasMessageEndingWith("; its cutover.yml or Procfile is "
                    + "under shop/: pack what is in that folder, not the folder (tar czf app.tar.gz -C shop/ .)");
        }
        assertThatThrownBy(() -> Bundle.manifestOf(outer)).hasMessageEndingWith("; the app seems to be " + app
                + ": give that directory");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Bundle.pack(empty, tmp.resolve("empty.tar.gz"));
        try (InputStream in = Files.newInputStream(tmp.resolve("empty.tar.gz"))) {
            assertThatThrownBy(() -> Bundle.manifestOf(in)).hasMessageEndingWith("; it holds no file at all");
        }
    }

    /** One entry the agent would refuse to unpack, after a manifest, as a tar.gz made by hand (not by pack). */
    private static byte[] bundleWith(TarArchiveEntry bad, byte[] content) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream tar =
                new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(
                        new java.util.zip.GZIPOutputStream(bytes))) {
            tar.setLongFileMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.LONGFILE_POSIX);
            byte[] yml = "processes: { web: ./server }\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            TarArchiveEntry manifest = new TarArchiveEntry("./cutover.yml");
            manifest.setSize(yml.length);
            tar.putArchiveEntry(manifest);
            tar.write(yml);
            tar.closeArchiveEntry();
            TarArchiveEntry link = new TarArchiveEntry("./lib", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("vendor");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
            if (content != null) {
                bad.setSize(content.length);
            }
            tar.putArchiveEntry(bad);
            if (content != null) {
                tar.write(content);
            }
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private static TarArchiveEntry link(String name, byte flag, String target) {
        TarArchiveEntry e = new TarArchiveEntry(name, flag);
        e.setLinkName(target);
        return e;
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("unsafeEntries")
    void aBundleWithAnEntryTheAgentWouldRefuseIsRefusedBeforeItIsDeployed(String what, TarArchiveEntry bad,
            byte[] content, String problem) throws Exception {
        byte[] bundle = bundleWith(bad, content);
        assertThatThrownBy(() -> Bundle.manifestOf(new java.io.ByteArrayInputStream(bundle)))
                .isInstanceOf(dev.cutover.model.manifest.ManifestException.class)
                .hasMessage("bundle: entry '" + bad.getName() + "': " + problem + " (expected: files, directories and "
                        + "links that stay inside the app directory; nothing was deployed)");
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> unsafeEntries() {
        byte[] x = {'x'};
        TarArchiveEntry fifo = new TarArchiveEntry("./pipe", TarArchiveEntry.LF_FIFO);
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("absolute symlink",
                        link("./abs", TarArchiveEntry.LF_SYMLINK, "/etc/passwd"), null,
                        "a symlink to the absolute path /etc/passwd"),
                org.junit.jupiter.params.provider.Arguments.of("symlink out",
                        link("./sub/out", TarArchiveEntry.LF_SYMLINK, "../../x"), null,
                        "a symlink to ../../x, outside the app directory"),
                org.junit.jupiter.params.provider.Arguments.of("dot-dot path", new TarArchiveEntry("../evil.txt", true),
                        x, "a path with a '..' segment"),
                org.junit.jupiter.params.provider.Arguments.of("absolute path", new TarArchiveEntry("/tmp/x", true), x,
                        "an absolute path"),
                org.junit.jupiter.params.provider.Arguments.of("through a symlink", new TarArchiveEntry("./lib/x.so"),
                        x, "a path through the symlink lib"),
                org.junit.jupiter.params.provider.Arguments.of("hard link out",
                        link("./pw", TarArchiveEntry.LF_LINK, "/etc/passwd"), null,
                        "a hard link to /etc/passwd, which is not a file before it in the bundle"),
                org.junit.jupiter.params.provider.Arguments.of("fifo", fifo, null, "a device or fifo"));
    }

    @Test
    void linksThatStayInsideAreAccepted() throws Exception {
        byte[] bundle = bundleWith(link("./again.yml", TarArchiveEntry.LF_LINK, "./cutover.yml"), null);
        assertThat(Bundle.manifestOf(new java.io.ByteArrayInputStream(bundle)).processes()).containsKey("web");
        byte[] up = bundleWith(link("./bin/up", TarArchiveEntry.LF_SYMLINK, "../cutover.yml"), null);
        assertThat(Bundle.manifestOf(new java.io.ByteArrayInputStream(up)).processes()).containsKey("web");
    }
}
