package dev.cutover.agent.build;

import dev.cutover.model.agent.BuildSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's builds: {@code builds/SHA.tar.gz} (fetched once, verified) and {@code releases/SHA/} (unpacked once,
 * read-only). A file or directory appears under its final name only once complete: both are written under a
 * temporary name and renamed atomically.
 */
public final class BuildCache {

    private static final Logger log = LoggerFactory.getLogger(BuildCache.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path builds;
    private final Path releases;
    private final BuildSource source;
    private final ConcurrentMap<String, Object> locks = new ConcurrentHashMap<>();

    public BuildCache(Path dataDir, BuildSource source) {
        this.builds = dataDir.resolve("builds");
        this.releases = dataDir.resolve("releases");
        this.source = source;
    }

    /** The unpacked, read-only release directory of build {@code sha256}, fetching and unpacking it if needed. */
    public Path release(String sha256) throws BuildException {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new BuildException("build: " + sha256 + " (expected: a sha256 as 64 lowercase hex digits)");
        }
        synchronized (locks.computeIfAbsent(sha256, k -> new Object())) {
            Path release = releases.resolve(sha256);
            if (Files.isDirectory(release)) {
                return release;
            }
            Path archive = fetch(sha256);
            unpack(sha256, archive, release);
            return release;
        }
    }

    /** Creates {@code workingDirectory} from {@code release} unless it exists already. */
    public void prepareWorkingDirectory(Path release, Path workingDirectory) throws IOException {
        if (Files.isDirectory(workingDirectory)) {
            return;
        }
        Path tmp = workingDirectory.resolveSibling("." + workingDirectory.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            LinkedTree.create(release, tmp);
            Files.move(tmp, workingDirectory, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            ReadOnlyTree.delete(tmp);
        }
    }

    /** Deletes an instance's working directory (its files are links; the release keeps its copy). */
    public void deleteWorkingDirectory(Path workingDirectory) throws IOException {
        ReadOnlyTree.delete(workingDirectory);
    }

    private Path fetch(String sha256) throws BuildException {
        Path archive = builds.resolve(sha256 + ".tar.gz");
        if (Files.isRegularFile(archive)) {
            return archive; // only ever renamed into place after its digest matched
        }
        Path tmp = builds.resolve(sha256 + ".tar.gz.tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(builds);
            MessageDigest digest = sha256Digest();
            try (InputStream in = new DigestInputStream(source.open(sha256), digest);
                    OutputStream out = Files.newOutputStream(tmp)) {
                in.transferTo(out);
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha256)) {
                throw new BuildException("build " + sha256 + ": sha256 mismatch: expected " + sha256 + ", got "
                        + actual + "; the download was deleted");
            }
            moveAtomically(tmp, archive);
            log.info("fetched build {}", sha256);
            return archive;
        } catch (IOException e) {
            throw new BuildException("build " + sha256 + ": cannot fetch: " + e, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private void unpack(String sha256, Path archive, Path release) throws BuildException {
        Path tmp = releases.resolve("." + sha256 + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            try (InputStream in = Files.newInputStream(archive)) {
                ArchiveUnpacker.unpack(in, tmp);
            }
            ReadOnlyTree.apply(tmp);
            moveAtomically(tmp, release);
            log.info("unpacked build {} into {}", sha256, release);
        } catch (ArchiveUnpacker.UnsafeEntry e) {
            throw new BuildException("build " + sha256 + ": unsafe archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BuildException("build " + sha256 + ": cannot unpack: " + e, e);
        } finally {
            try {
                ReadOnlyTree.delete(tmp);
            } catch (IOException e) {
                log.warn("cannot delete {}: {}", tmp, e.toString());
            }
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Another agent on this data directory finished first: its copy is as good as ours.
            if (!Files.exists(to)) {
                throw e;
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", p, e.toString());
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
