package dev.cutover.agent.supervisor;

import dev.cutover.agent.process.Listeners;
import dev.cutover.agent.process.Listeners.Address;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Says why a probe of an instance's port was refused, from what its process group listens on: the app may listen on a
 * port of its own instead of {@code PORT}, or on an address that {@code 127.0.0.1} does not reach (IPv6 {@code ::1}
 * only, or one interface). Looks at most once every {@link #EVERY_NANOS} per instance: a starting app is refused
 * until it listens, and {@code /proc} is not read at every probe. Used by one probe at a time.
 */
final class PortCheck {

    static final long EVERY_NANOS = 2_000_000_000L;
    private static final int SHOWN = 3;

    private final LongFunction<List<Address>> listeners;
    private long lastNanos;
    private String last;

    PortCheck() {
        this(Listeners::of);
    }

    PortCheck(LongFunction<List<Address>> listeners) {
        this.listeners = listeners;
    }

    /** Why a probe of {@code port} was refused, or null when nothing can be said; {@code pgid} 0: no process. */
    String refused(long pgid, int port) {
        long now = System.nanoTime();
        if (last != null && now - lastNanos < EVERY_NANOS) {
            return last;
        }
        lastNanos = now;
        last = pgid <= 0 ? null : explain(port, listeners.apply(pgid));
        return last;
    }

    static String explain(int port, List<Address> listening) {
        if (listening.isEmpty()) {
            return "no process of the instance listens on a TCP port yet; it should listen on PORT, " + port;
        }
        List<Address> onPort = listening.stream().filter(a -> a.port() == port).toList();
        if (onPort.isEmpty()) {
            return "it listens on " + list(listening) + ", not on its PORT, " + port
                    + ": take the port to listen on from the PORT variable";
        }
        if (onPort.stream().noneMatch(Address::reachableFromLoopback)) {
            return "it listens on " + list(onPort) + ", which 127.0.0.1 does not reach: listen on 0.0.0.0 "
                    + "(or :: for IPv6 as well)";
        }
        return null; // it listens now: the refusal came before it did
    }

    private static String list(List<Address> addresses) {
        List<String> shown = addresses.stream().limit(SHOWN).map(Address::toString).toList();
        return String.join(", ", shown) + (addresses.size() > SHOWN ? " and " + (addresses.size() - SHOWN)
                + " more" : "");
    }
}
