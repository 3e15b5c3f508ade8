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
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

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

    /** A blob, or an upload's temporary file ({@code sha} null), and when it was last written or {@link #touch}ed. */
    public record Entry(String sha, Path file, Instant touched) {}

    /** Every blob and every temporary file of an upload, oldest first. */
    public List<Entry> entries() throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                boolean blob = SHA256.matcher(name).matches();
                if (!blob && !(name.startsWith(".upload-") && name.endsWith(".tmp"))) {
                    continue;
                }
                try {
                    entries.add(new Entry(blob ? name : null, file, Files.getLastModifiedTime(file).toInstant()));
                } catch (NoSuchFileException e) {
                    // an upload renamed into place or deleted meanwhile
                }
            }
        }
        entries.sort(java.util.Comparator.comparing(Entry::touched));
        return entries;
    }

    /** Marks {@code sha} as wanted at {@code at} (its file's modification time): what retention measures age by. */
    public boolean touch(String sha, Instant at) {
        requireSha256(sha);
        try {
            Files.setLastModifiedTime(dir.resolve(sha), FileTime.from(at));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Deletes a blob or an upload's temporary file that {@link #entries} listed. */
    public void delete(Entry entry) throws IOException {
        Files.deleteIfExists(entry.file());
    }

    /** Deletes the blob of {@code sha}, if there is one. */
    public void delete(String sha) throws IOException {
        requireSha256(sha);
        Files.deleteIfExists(dir.resolve(sha));
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
