package dev.cutover.store;

import dev.cutover.model.bundle.Bundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Builds' bundles, content-addressed by sha256, in a directory. A blob is written to a temporary file, its digest
 * checked against the name it claims, synced, and renamed into place: a reader never sees a partial blob.
 */
public final class BlobStore {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;

    public BlobStore(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    public static void requireSha256(String sha) {
        if (sha == null || !SHA256.matcher(sha).matches()) {
            throw new IllegalArgumentException("build: '" + sha + "' (expected: a sha256 digest, 64 lowercase hex digits)");
        }
    }

    public boolean has(String sha) {
        requireSha256(sha);
        return Files.isRegularFile(dir.resolve(sha));
    }

    /** Stores a blob; fails with {@link DigestMismatchException} when the content does not hash to {@code sha}. */
    public long put(String sha, InputStream in) throws IOException {
        requireSha256(sha);
        Path tmp = Files.createTempFile(dir, ".upload-", ".tmp");
        try {
            MessageDigest digest = Bundle.sha256();
            long size;
            try (InputStream din = new DigestInputStream(in, digest); OutputStream out = Files.newOutputStream(tmp)) {
                size = din.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha)) {
                throw new DigestMismatchException(sha, actual);
            }
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, dir.resolve(sha), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(sha), StandardCopyOption.REPLACE_EXISTING);
            }
            return size;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public InputStream open(String sha) throws IOException {
        requireSha256(sha);
        try {
            return Files.newInputStream(dir.resolve(sha));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException("build " + sha + " is not in the blob store");
        }
    }

    /** The uploaded content did not hash to the digest it was sent under. */
    public static final class DigestMismatchException extends IOException {
        public DigestMismatchException(String expected, String actual) {
            super("build: content has sha256 " + actual + " (expected: " + expected
                    + ", the digest it was uploaded under); upload it again");
        }
    }
}
