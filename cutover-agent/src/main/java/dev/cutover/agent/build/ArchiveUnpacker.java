package dev.cutover.agent.build;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks a {@code .tar.gz} into an empty directory, refusing anything that could reach outside it: absolute paths,
 * {@code ..} segments, symlinks and hard links whose target lies outside, paths that go through a symlink, and
 * device or fifo entries. Each refusal names the entry.
 */
final class ArchiveUnpacker {

    private ArchiveUnpacker() {}

    static void unpack(InputStream tarGz, Path root) throws IOException, UnsafeEntry {
        Path base = root.toAbsolutePath().normalize();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GzipCompressorInputStream(new BufferedInputStream(tarGz)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                Path target = inside(base, name, name, "path");
                if (target.equals(base)) {
                    continue; // "./"
                }
                requireNoSymlinkOnTheWay(base, target, name);
                if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
                    throw new UnsafeEntry(name, "device and fifo entries are not allowed");
                } else if (entry.isSymbolicLink()) {
                    String link = entry.getLinkName();
                    if (link.startsWith("/")) {
                        throw new UnsafeEntry(name, "symlink to absolute path " + link + " escapes the target directory");
                    }
                    Path resolved = target.getParent().resolve(link).normalize();
                    if (!resolved.startsWith(base)) {
                        throw new UnsafeEntry(name, "symlink to " + link + " escapes the target directory");
                    }
                    Files.createDirectories(target.getParent());
                    Files.deleteIfExists(target);
                    Files.createSymbolicLink(target, Path.of(link));
                } else if (entry.isLink()) {
                    String link = entry.getLinkName();
                    Path existing = inside(base, link, name, "hard link to " + link);
                    if (!Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
                        throw new UnsafeEntry(name, "hard link to " + link + " which is not a regular file in the archive");
                    }
                    Files.createDirectories(target.getParent());
                    Files.deleteIfExists(target);
                    Files.createLink(target, existing);
                } else if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, permissions(entry.getMode()));
                } else {
                    throw new UnsafeEntry(name, "unsupported entry type " + (char) entry.getLinkFlag());
                }
            }
        }
    }

    /** Resolves an archive path under {@code base}, refusing absolute paths and any {@code ..} segment. */
    private static Path inside(Path base, String path, String entry, String what) throws UnsafeEntry {
        if (path.startsWith("/")) {
            throw new UnsafeEntry(entry, what + " is absolute");
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                throw new UnsafeEntry(entry, what + " has a '..' segment");
            }
        }
        Path resolved = base.resolve(path).normalize();
        if (!resolved.startsWith(base)) {
            throw new UnsafeEntry(entry, what + " escapes the target directory");
        }
        return resolved;
    }

    /** A symlink unpacked earlier must not redirect a later entry; checking lexically alone would miss that. */
    private static void requireNoSymlinkOnTheWay(Path base, Path target, String entry) throws UnsafeEntry {
        Path p = target.getParent();
        while (p != null && p.startsWith(base) && !p.equals(base)) {
            if (Files.isSymbolicLink(p)) {
                throw new UnsafeEntry(entry, "path goes through symlink " + base.relativize(p));
            }
            p = p.getParent();
        }
    }

    /** Keeps the read and execute bits of the entry's mode; write bits are removed later for the whole release. */
    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> p = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0111) != 0) {
            p.add(PosixFilePermission.OWNER_EXECUTE);
            p.add(PosixFilePermission.GROUP_EXECUTE);
            p.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        return p;
    }

    /** An entry refused because it could write outside the target directory or is not a plain file system object. */
    static final class UnsafeEntry extends Exception {
        UnsafeEntry(String entry, String problem) {
            super("entry '" + entry + "': " + problem);
        }
    }
}
