package dev.cutover.agent.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Builds .tar.gz bundles in tests; names are kept as given (absolute ones too) so that bad archives can be made. */
public final class TestArchives {

    private TestArchives() {}

    /** Writes a tar.gz whose entries {@code body} adds. */
    public static byte[] tarGz(Consumer<Writer> body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            body.accept(new Writer(tar));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds entries; each method writes one. */
    public static final class Writer {
        private final TarArchiveOutputStream tar;

        Writer(TarArchiveOutputStream tar) {
            this.tar = tar;
        }

        public Writer file(String name, String content, int mode) {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry(name, true);
            e.setSize(data.length);
            e.setMode(0100000 | mode);
            return put(e, data);
        }

        public Writer dir(String name) {
            TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
            e.setMode(040755);
            return put(e, null);
        }

        public Writer symlink(String name, String target) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
            e.setLinkName(target);
            return put(e, null);
        }

        public Writer hardlink(String name, String target) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK, true);
            e.setLinkName(target);
            return put(e, null);
        }

        public Writer entry(String name, byte linkFlag) {
            TarArchiveEntry e = new TarArchiveEntry(name, linkFlag, true);
            return put(e, null);
        }

        private Writer put(TarArchiveEntry e, byte[] data) {
            try {
                tar.putArchiveEntry(e);
                if (data != null) {
                    tar.write(data);
                }
                tar.closeArchiveEntry();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return this;
        }
    }
}
