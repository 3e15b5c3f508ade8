package dev.cutover.model.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
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
                .hasMessageContaining("has no cutover.yml, no Procfile and no executable named 'application'");
    }
}
