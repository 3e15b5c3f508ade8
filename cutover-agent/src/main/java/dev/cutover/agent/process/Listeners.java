package dev.cutover.agent.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The TCP addresses a process group listens on, from {@code /proc}: the socket inodes its processes hold open, looked
 * up among the listening sockets of {@code /proc/net/tcp} and {@code tcp6}. For saying why a probe was refused: an app
 * that listens on a port of its own instead of {@code PORT}, or on an address the agent's {@code 127.0.0.1} does not
 * reach.
 */
public final class Listeners {

    private static final Path PROC = Path.of("/proc");
    /** The state column's value for a listening socket. */
    private static final String LISTEN = "0A";

    /** Where a socket listens: {@code 0.0.0.0:8080}, {@code [::1]:8080}. */
    public record Address(String host, int port) implements Comparable<Address> {
        @Override
        public String toString() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }

        /** Whether a connection to {@code 127.0.0.1} on its port reaches it. */
        public boolean reachableFromLoopback() {
            return host.equals("0.0.0.0") || host.startsWith("127.") || host.equals("::");
        }

        @Override
        public int compareTo(Address o) {
            return port != o.port ? Integer.compare(port, o.port) : host.compareTo(o.host);
        }
    }

    private Listeners() {}

    /** The addresses the live processes of process group {@code pgid} listen on, by port; empty when none. */
    public static List<Address> of(long pgid) {
        Set<String> inodes = new HashSet<>();
        for (ProcStat s : ProcFs.all()) {
            if (s.pgrp() == pgid && !s.exited()) {
                socketInodes(s.pid(), inodes);
            }
        }
        if (inodes.isEmpty()) {
            return List.of();
        }
        Set<Address> found = new TreeSet<>();
        listening(PROC.resolve("net/tcp"), inodes, found);
        listening(PROC.resolve("net/tcp6"), inodes, found);
        return new ArrayList<>(found);
    }

    private static void socketInodes(int pid, Set<String> into) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(pid + "/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        into.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | SecurityException e) {
            // gone meanwhile, or not ours to look at
        }
    }

    private static void listening(Path table, Set<String> inodes, Set<Address> into) {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException e) {
            return; // no IPv6, say
        }
        for (int i = 1; i < lines.size(); i++) {
            Address a = parseListening(lines.get(i), inodes);
            if (a != null) {
                into.add(a);
            }
        }
    }

    /**
     * One row of {@code /proc/net/tcp} or {@code tcp6}: {@code sl local rem st tx:rx tr:when retrnsmt uid timeout
     * inode ...}; the address when the socket listens and its inode is one of {@code inodes}, else null.
     */
    static Address parseListening(String row, Set<String> inodes) {
        String[] f = row.trim().split("\\s+");
        if (f.length < 10 || !f[3].equals(LISTEN) || !inodes.contains(f[9])) {
            return null;
        }
        int colon = f[1].indexOf(':');
        String hex = f[1].substring(0, colon);
        int port = Integer.parseInt(f[1].substring(colon + 1), 16);
        return new Address(hex.length() == 8 ? ipv4(hex) : ipv6(hex), port);
    }

    /** The kernel prints each 32-bit word of an address in host byte order: little-endian here. */
    private static String ipv4(String hex) {
        long v = Long.parseLong(hex, 16);
        return (v & 0xff) + "." + (v >> 8 & 0xff) + "." + (v >> 16 & 0xff) + "." + (v >> 24 & 0xff);
    }

    private static String ipv6(String hex) {
        byte[] b = new byte[16];
        for (int w = 0; w < 4; w++) {
            long v = Long.parseLong(hex.substring(w * 8, w * 8 + 8), 16);
            for (int i = 0; i < 4; i++) {
                b[w * 4 + i] = (byte) (v >> (8 * i));
            }
        }
        if (isV4Mapped(b)) { // an IPv6 socket bound to an IPv4 address, as Java's are: that address
            return (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        }
        try {
            return compress(InetAddress.getByAddress(b).getHostAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    /** {@code 0:0:0:0:0:0:0:1} → {@code ::1}: the longest run of zero groups becomes {@code ::}. */
    static String compress(String full) {
        String[] g = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < g.length; ) {
            if (g[i].equals("0")) {
                int j = i;
                while (j < g.length && g[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestLen < 2) {
            return full;
        }
        String head = String.join(":", Arrays.copyOfRange(g, 0, bestStart));
        String tail = String.join(":", Arrays.copyOfRange(g, bestStart + bestLen, g.length));
        return head + "::" + tail;
    }
}
