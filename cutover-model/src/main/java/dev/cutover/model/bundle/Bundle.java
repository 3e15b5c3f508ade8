package dev.cutover.model.bundle;

import dev.cutover.model.manifest.Manifest;
import dev.cutover.model.manifest.ManifestException;
import dev.cutover.model.manifest.ManifestReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A build's bundle: a gzipped tar of the app directory. Packing is deterministic (sorted entries, fixed times and
 * owners, gzip without a timestamp) so an unchanged directory gives the same sha256 and is not uploaded twice.
 */
public final class Bundle {

    /** Directories never packed: version control and local state that the app does not need to run. */
    public static final Set<String> SKIPPED = Set.of(".git", ".hg", ".svn");

    private Bundle() {}

    /** The manifest of an app directory, from {@code cutover.yml}, else {@code Procfile}, else {@code application}. */
    public static Manifest manifestOf(Path dir) throws IOException {
        return manifestOf(dir, ManifestReader.DeployOverrides.NONE);
    }

    /** The same, with the deploy policy changed by {@code --strategy} and {@code --set}. */
    public static Manifest manifestOf(Path dir, ManifestReader.DeployOverrides overrides) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new ManifestException("directory", dir.toString(), "a directory holding the app");
        }
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            throw new AccessDeniedException(dir.toString(), null, "the user running cutover cannot list the "
                    + "directory or read what is in it");
        }
        Path yml = dir.resolve(ManifestReader.MANIFEST_FILE);
        if (Files.isRegularFile(yml)) {
            return ManifestReader.parseYaml(text(ManifestReader.MANIFEST_FILE, Files.readAllBytes(yml)), overrides);
        }
        Path procfile = dir.resolve(ManifestReader.PROCFILE);
        if (Files.isRegularFile(procfile)) {
            return ManifestReader.withOverrides(ManifestReader.parseProcfile(
                    text(ManifestReader.PROCFILE, Files.readAllBytes(procfile))), overrides);
        }
        Path app = dir.resolve(ManifestReader.APPLICATION);
        if (Files.isRegularFile(app) && Files.isExecutable(app)) {
            return ManifestReader.withOverrides(ManifestReader.forApplicationExecutable(), overrides);
        }
        List<Path> below = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.filter(c -> Files.isRegularFile(c.resolve(ManifestReader.MANIFEST_FILE))
                    || Files.isRegularFile(c.resolve(ManifestReader.PROCFILE))).forEach(below::add);
        }
        throw noManifest(dir.toString(), Files.isRegularFile(app) ? NOT_EXECUTABLE : below.size() == 1
                ? "the app seems to be " + below.get(0) + ": give that directory" : null);
    }

    /** The manifest inside a bundle, by the same rules as {@link #manifestOf(Path)}. */
    public static Manifest manifestOf(InputStream tarGz) throws IOException {
        return manifestOf(tarGz, ManifestReader.DeployOverrides.NONE);
    }

    /** The same, with the deploy policy changed by {@code --strategy} and {@code --set}. */
    public static Manifest manifestOf(InputStream tarGz, ManifestReader.DeployOverrides overrides) throws IOException {
        return manifestsOf(tarGz, overrides).deployed();
    }

    /**
     * A bundle's manifest as written, and as a deploy with {@code overrides} runs it (the same one when there are
     * none).
     */
    public record Manifests(Manifest written, Manifest deployed) {}

    /** Both manifests of a bundle, from one read of it. */
    public static Manifests manifestsOf(InputStream tarGz, ManifestReader.DeployOverrides overrides)
            throws IOException {
        String yml = null;
        String procfile = null;
        boolean application = false;
        Set<String> files = new HashSet<>();
        Set<String> symlinks = new HashSet<>();
        boolean notExecutable = false;
        Set<String> manifestFolders = new java.util.TreeSet<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(tarGz))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                String name = e.getName().startsWith("./") ? e.getName().substring(2) : e.getName();
                String unsafe = unsafe(e, name, files, symlinks);
                if (unsafe != null) {
                    throw new ManifestException("bundle", "entry '" + e.getName() + "': " + unsafe + " (expected: "
                            + "files, directories and links that stay inside the app directory; nothing was deployed)");
                }
                if (!e.isFile()) {
                    continue;
                }
                switch (name) {
                    case ManifestReader.MANIFEST_FILE -> yml = text(name, tar.readAllBytes());
                    case ManifestReader.PROCFILE -> procfile = text(name, tar.readAllBytes());
                    case ManifestReader.APPLICATION -> {
                        application = (e.getMode() & 0111) != 0;
                        notExecutable = !application;
                    }
                    default -> {
                        int slash = name.indexOf('/');
                        String rest = slash < 0 ? "" : name.substring(slash + 1);
                        if (rest.equals(ManifestReader.MANIFEST_FILE) || rest.equals(ManifestReader.PROCFILE)) {
                            manifestFolders.add(name.substring(0, slash + 1));
                        }
                    }
                }
            }
        }
        if (yml == null && procfile == null && !application) {
            throw noManifest("the bundle", files.isEmpty() ? "it holds no file at all"
                    : notExecutable ? NOT_EXECUTABLE
                    : manifestFolders.size() == 1 ? "its " + ManifestReader.MANIFEST_FILE + " or "
                            + ManifestReader.PROCFILE + " is under " + manifestFolders.iterator().next() + ": pack "
                            + "what is in that folder, not the folder (tar czf app.tar.gz -C "
                            + manifestFolders.iterator().next() + " .)"
                    : null);
        }
        Manifest written = parse(yml, procfile, application, ManifestReader.DeployOverrides.NONE);
        return new Manifests(written, overrides.isEmpty() ? written : parse(yml, procfile, application, overrides));
    }

    /**
     * What makes an entry one the agent would refuse to unpack, judged from the archive alone so that a bad bundle is
     * refused before it becomes a release: a device or fifo, a path that is absolute, has a {@code ..} segment or
     * goes through a symlink of the bundle, a symlink that points outside it, a hard link to anything but a file
     * before it. Null when it is fine. The agent's unpacking checks again, against the files it writes.
     */
    private static String unsafe(TarArchiveEntry e, String name, Set<String> files, Set<String> symlinks) {
        String path = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
        if (path.isEmpty()) {
            return null; // the top directory, "./"
        }
        if (e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
            return "a device or fifo";
        }
        if (!e.isFile() && !e.isDirectory() && !e.isSymbolicLink() && !e.isLink()) {
            return "an entry of an unsupported type (" + (char) e.getLinkFlag() + ")";
        }
        if (path.startsWith("/")) {
            return "an absolute path";
        }
        if (List.of(path.split("/")).contains("..")) {
            return "a path with a '..' segment";
        }
        for (String link : symlinks) {
            if (path.startsWith(link + "/")) {
                return "a path through the symlink " + link;
            }
        }
        if (e.isSymbolicLink()) {
            String target = e.getLinkName();
            if (target.startsWith("/")) {
                return "a symlink to the absolute path " + target;
            }
            Path inBundle = Path.of("/bundle", path).getParent().resolve(target).normalize();
            if (!inBundle.startsWith("/bundle")) {
                return "a symlink to " + target + ", outside the app directory";
            }
            symlinks.add(path);
        } else if (e.isLink()) {
            String target = e.getLinkName().startsWith("./") ? e.getLinkName().substring(2) : e.getLinkName();
            if (!files.contains(target)) {
                return "a hard link to " + e.getLinkName() + ", which is not a file before it in the bundle";
            }
        } else if (e.isFile()) {
            files.add(path);
        }
        return null;
    }

    private static Manifest parse(String yml, String procfile, boolean application,
            ManifestReader.DeployOverrides overrides) {
        if (yml != null) {
            return ManifestReader.parseYaml(yml, overrides);
        }
        if (procfile != null) {
            return ManifestReader.withOverrides(ManifestReader.parseProcfile(procfile), overrides);
        }
        if (application) {
            return ManifestReader.withOverrides(ManifestReader.forApplicationExecutable(), overrides);
        }
        throw noManifest("the bundle", null);
    }

    /** Packs {@code dir} into {@code out} and returns the bundle's sha256 in hex. */
    public static String pack(Path dir, Path out) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(p -> !p.equals(dir))
                    .filter(p -> !skipped(dir.relativize(p)))
                    .forEach(paths::add);
        }
        paths.sort((a, b) -> unixName(dir, a).compareTo(unixName(dir, b)));
        MessageDigest sha = sha256();
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out));
                DigestOutputStream digest = new DigestOutputStream(file, sha);
                GZIPOutputStream gzip = new GZIPOutputStream(digest, 64 * 1024);
                TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path p : paths) {
                String name = unixName(dir, p);
                TarArchiveEntry entry;
                boolean content = false;
                if (Files.isSymbolicLink(p)) {
                    entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
                    entry.setLinkName(linkWithin(dir, p, name));
                    entry.setMode(0120777);
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    entry = new TarArchiveEntry(name + "/");
                    entry.setMode(040755);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    entry = new TarArchiveEntry(name);
                    entry.setSize(Files.size(p));
                    entry.setMode(executable(p) ? 0100755 : 0100644);
                    content = true;
                } else {
                    continue; // sockets, fifos and devices are not part of an app
                }
                entry.setModTime(0);
                entry.setUserId(0);
                entry.setGroupId(0);
                entry.setUserName("");
                entry.setGroupName("");
                tar.putArchiveEntry(entry);
                if (content) {
                    Files.copy(p, tar);
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * The target of the symlink {@code link}, as it is written (relative links stay relative). A link that leads out
     * of {@code dir}, absolute or through {@code ..}, is refused here: on the server it would point at something else
     * or nothing, and the agent refuses to unpack it.
     */
    private static String linkWithin(Path dir, Path link, String name) throws IOException {
        Path target = Files.readSymbolicLink(link);
        Path root = dir.toAbsolutePath().normalize();
        Path resolved = link.toAbsolutePath().getParent().resolve(target).normalize();
        if (target.isAbsolute() || !resolved.startsWith(root)) {
            throw new IOException(name + " is a symlink to " + target + ", outside the app directory (expected: "
                    + "links to files inside it; replace the link with the file, or move what it points to into the "
                    + "directory)");
        }
        return target.toString();
    }

    /** The sha256 of a file, in hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            if (SKIPPED.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }

    private static boolean executable(Path p) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        return perms.contains(PosixFilePermission.OWNER_EXECUTE);
    }

    private static String unixName(Path dir, Path p) {
        return dir.relativize(p).toString().replace('\\', '/');
    }

    /**
     * A manifest file's bytes as text: UTF-8, or an error that names the file, the line and the byte that is not
     * (a manifest saved as Latin-1 or Windows-1252, say), rather than reading it with a replacement character.
     */
    static String text(String file, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new ManifestException(file, "line " + line + " has a byte that is not UTF-8 (0x"
                    + HexFormat.of().toHexDigits(bytes[at]) + " at offset " + at + "; expected: a UTF-8 text file: "
                    + "save it as UTF-8, e.g. with iconv -f latin1 -t utf-8)");
        }
        return out.flip().toString();
    }

    private static final String NOT_EXECUTABLE = "its '" + ManifestReader.APPLICATION + "' is not executable "
            + "(chmod +x " + ManifestReader.APPLICATION + ")";

    /** @param hint what is there instead, when it says what to fix; or null */
    private static ManifestException noManifest(String where, String hint) {
        return new ManifestException("manifest", where + " has no " + ManifestReader.MANIFEST_FILE + ", no "
                + ManifestReader.PROCFILE + " and no executable named '" + ManifestReader.APPLICATION
                + "' (expected one of them at its top level; see the README's manifest section)"
                + (hint == null ? "" : "; " + hint));
    }
}
