package dev.cutover.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {

    @Test
    void storesContentUnderItsDigestAndRejectsContentThatDoesNotMatch(@TempDir Path dir) throws Exception {
        BlobStore blobs = new BlobStore(dir);
        byte[] content = "bundle".getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(dev.cutover.model.bundle.Bundle.sha256().digest(content));
        assertThat(blobs.has(sha)).isFalse();
        assertThat(blobs.put(sha, new ByteArrayInputStream(content))).isEqualTo(content.length);
        assertThat(blobs.has(sha)).isTrue();
        try (var in = blobs.open(sha)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        String other = "0".repeat(64);
        assertThatThrownBy(() -> blobs.put(other, new ByteArrayInputStream(content)))
                .isInstanceOf(BlobStore.DigestMismatchException.class).hasMessageContaining("expected: " + other);
        assertThat(blobs.has(other)).isFalse();
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(1); // no temporary file left behind
        }
        assertThatThrownBy(() -> blobs.has("../etc/passwd")).hasMessageStartingWith("build: '../etc/passwd'");
    }
}
