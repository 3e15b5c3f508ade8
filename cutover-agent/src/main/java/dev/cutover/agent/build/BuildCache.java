package dev.cutover.agent.build;

import dev.cutover.model.agent.BuildSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
    /** When each build was last seen in use, since this agent started (before that: its files' times). */
    private final ConcurrentMap<String, Instant> lastUsed = new ConcurrentHashMap<>();
    /** What {@link #prune} handed out to delete and is not deleted yet. */
    private final Set<Path> deleting = ConcurrentHashMap.newKeySet();
    /** How old a temporary file or tree must be to be taken for one an agent killed mid-fetch or mid-unpack left. */
    private static final Duration LEFTOVER = Duration.ofHours(1);

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

    /**
     * Deletes this host's copies (the archive and the unpacked tree) of the builds not in {@code inUse}, but for the
     * {@code keep} used most recently: the releases a rollback would start first. A build deleted here is fetched
     * and unpacked again when an instance needs it. The unpacked trees are renamed away under the build's lock, so
     * that {@link #release} never returns one that is going; deleting them, which takes longer, is left to the
     * caller. Also sweeps what an agent killed mid-fetch, mid-unpack or mid-delete left behind.
     *
     * @param inUse the builds of every instance and run this host has, whatever its phase; called where no instance
     *              or run can be added meanwhile, so that none starts from a build this deletes
     * @return the renamed trees, to be deleted
     */
    public List<Path> prune(Set<String> inUse, int keep, Instant now) throws IOException {
        for (String sha : inUse) {
            if (sha != null) {
                lastUsed.put(sha, now);
            }
        }
        Map<String, Instant> unused = new HashMap<>();
        List<Path> trash = new ArrayList<>();
        for (Path dir : List.of(releases, builds)) {
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path entry : (Iterable<Path>) entries::iterator) {
                    String name = entry.getFileName().toString();
                    String sha = name.endsWith(".tar.gz") ? name.substring(0, name.length() - 7) : name;
                    if (SHA256.matcher(sha).matches()) {
                        if (!inUse.contains(sha)) {
                            unused.merge(sha, lastUsed.getOrDefault(sha, modified(entry)), (a, b) -> a.isAfter(b) ? a : b);
                        }
                    } else if (name.startsWith(".") && name.contains(".deleted-")) {
                        if (!deleting.contains(entry)) {
                            trash.add(entry); // an agent killed while deleting it
                        }
                    } else if (name.contains(".tmp-") && modified(entry).isBefore(now.minus(LEFTOVER))) {
                        trash.add(entry);
                    }
                }
            }
        }
        List<String> going = unused.entrySet().stream()
                .sorted(Map.Entry.<String, Instant>comparingByValue().reversed())
                .skip(keep).map(Map.Entry::getKey).toList();
        for (String sha : going) {
            synchronized (locks.computeIfAbsent(sha, k -> new Object())) {
                Path release = releases.resolve(sha);
                if (Files.exists(release, LinkOption.NOFOLLOW_LINKS)) {
                    Path away = releases.resolve("." + sha + ".deleted-" + UUID.randomUUID());
                    Files.move(release, away, StandardCopyOption.ATOMIC_MOVE);
                    trash.add(away);
                }
                Files.deleteIfExists(builds.resolve(sha + ".tar.gz"));
                lastUsed.remove(sha);
            }
        }
        deleting.addAll(trash);
        if (!going.isEmpty()) {
            log.info("deleted the local copies of {} build(s) no instance uses (kept the {} used last): {}",
                    going.size(), keep, going.stream().map(sha -> sha.substring(0, 12)).toList());
        }
        return trash;
    }

    /** Deletes a tree {@link #prune} renamed away, or a leftover it found. */
    public void deletePruned(Path path) throws IOException {
        try {
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                ReadOnlyTree.delete(path);
            } else {
                Files.deleteIfExists(path);
            }
        } finally {
            deleting.remove(path);
        }
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
        } catch (IOException e) {
            return Instant.EPOCH;
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
