package dev.cutover.router;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Who holds a port that cannot be bound, from {@code /proc/net/tcp} and {@code tcp6}: a process listening on it, or
 * only connections that use it as their local port. The second happens to a server restarted at once on a port of
 * the ephemeral range (the ports clients get): its clients, retrying while it was down, can be handed that very port
 * for their own end (on loopback a connection to itself), and such a connection, or its TIME-WAIT, keeps the port for
 * up to a minute.
 */
final class PortHolders {

    private static final String LISTEN = "0A";

    private PortHolders() {}

    /** Whether some socket listens on {@code port}; true when it cannot be told (so the usual words stand). */
    static boolean someoneListens(int port) {
        String local = String.format(":%04X", port);
        try {
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                Path path = Path.of(table);
                if (!Files.isReadable(path)) {
                    continue;
                }
                for (String line : Files.readAllLines(path)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && f[1].endsWith(local) && f[3].equals(LISTEN)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** The ephemeral port range, {@code {32768, 60999}} by default; null when it cannot be read. */
    static int[] ephemeralRange() {
        try {
            String[] f = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return new int[] {Integer.parseInt(f[0]), Integer.parseInt(f[1])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The words for a port in use by no listener. */
    static String heldByConnections(int port) {
        int[] range = ephemeralRange();
        boolean ephemeral = range != null && port >= range[0] && port <= range[1];
        return "no process listens on it, but connections use it as their own port (closing ones in TIME-WAIT, or a "
                + "client's)" + (ephemeral ? ": it is in this machine's ephemeral range, " + range[0] + "-" + range[1]
                + " (net.ipv4.ip_local_port_range), where clients get their ports; wait up to a minute and start "
                + "again, or pick a port outside that range" : "; wait up to a minute and start again");
    }
}
