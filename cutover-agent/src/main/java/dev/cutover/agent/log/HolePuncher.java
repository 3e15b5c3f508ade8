package dev.cutover.agent.log;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Frees the start of a file that a process keeps appending to: {@code fallocate(FALLOC_FL_PUNCH_HOLE |
 * FALLOC_FL_KEEP_SIZE)}. The range reads back as zeros and its blocks go back to the filesystem; the file's size and
 * every offset stay as they were, and a concurrent {@code O_APPEND} write is never lost (the kernel serializes both
 * on the inode). Supported by ext4, XFS, btrfs and tmpfs; not by every filesystem (see {@link #supported}).
 */
final class HolePuncher {

    private interface Libc extends Library {
        int O_WRONLY = 1;
        int FALLOC_FL_KEEP_SIZE = 1;
        int FALLOC_FL_PUNCH_HOLE = 2;

        int open(String path, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int fallocate(int fd, int mode, long offset, long len) throws LastErrorException;
    }

    private static volatile Libc libc;

    private HolePuncher() {}

    private static Libc libc() {
        Libc l = libc;
        if (l == null) {
            l = Native.load("c", Libc.class);
            libc = l;
        }
        return l;
    }

    /** Punches {@code [offset, offset + length)} out of {@code file}. */
    static void punch(Path file, long offset, long length) throws IOException {
        if (length <= 0) {
            return;
        }
        Libc l = libc();
        int fd;
        try {
            fd = l.open(file.toString(), Libc.O_WRONLY);
        } catch (LastErrorException e) {
            throw new IOException("open " + file + ": errno " + e.getErrorCode(), e);
        }
        try {
            l.fallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, offset, length);
        } catch (LastErrorException e) {
            throw new IOException("fallocate(PUNCH_HOLE) on " + file + ": errno " + e.getErrorCode(), e);
        } finally {
            l.close(fd);
        }
    }

    /** Whether holes can be punched in files of {@code dir}: tries it on a scratch file. */
    static boolean supported(Path dir) {
        Path probe = dir.resolve(".punch-probe-" + ProcessHandle.current().pid());
        try {
            Files.write(probe, new byte[8192]);
            punch(probe, 0, 4096);
            return true;
        } catch (IOException | LinkageError | RuntimeException e) {
            return false;
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException e) {
                // a leftover 8 KiB file is harmless
            }
        }
    }
}
