package dev.cutover.router.routing;

import dev.cutover.model.routing.TargetStats;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A target as the router tracks it across tables: its address, whether it takes new requests, and its counters.
 * One object per instance for as long as the instance is in a table or still has work in flight, so the snapshots
 * of successive tables share it and its counters.
 *
 * <pre>
 *   ACTIVE ⇄ DRAINING ──▶ REMOVED        (ACTIVE ──▶ REMOVED directly when a table drops it)
 * </pre>
 *
 * <p>Thread-safety: the lifecycle is written by the thread applying a table and read by every event loop; the
 * counters are updated by event loops and read by anyone.
 */
public final class LiveTarget {

    /** Whether a target takes new requests; {@code REMOVED} means no table mentions it any more. */
    public enum Lifecycle { ACTIVE, DRAINING, REMOVED }

    private final String instance;
    private final String host;
    private final int port;
    private final InetSocketAddress socketAddress;
    private volatile Lifecycle lifecycle;
    /** Left out of picking after it refused a connection, until a probe connects (see {@code health}). */
    private volatile boolean ejected;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();
    /** Told when the target stops taking new requests: long-lived exchanges (WebSockets) that must end. */
    private final Set<Runnable> onStop = ConcurrentHashMap.newKeySet();

    LiveTarget(String instance, String host, int port, Lifecycle lifecycle) {
        this.instance = instance;
        this.host = host;
        this.port = port;
        // Resolved here, on the thread applying the table, so that no event loop ever blocks on a name lookup.
        // A name that does not resolve stays unresolved; connecting to it fails and the request goes elsewhere.
        this.socketAddress = new InetSocketAddress(host, port);
        this.lifecycle = lifecycle;
    }

    public String instance() {
        return instance;
    }

    public String address() {
        return host + ":" + port;
    }

    public InetSocketAddress socketAddress() {
        return socketAddress;
    }

    boolean hasAddress(String otherHost, int otherPort) {
        return host.equals(otherHost) && port == otherPort;
    }

    /** Whether the target is ejected: picked only when every target of its group is (fail open). */
    public boolean ejected() {
        return ejected;
    }

    /** Marks the target ejected; returns false if it already was (someone else is probing it). */
    public boolean eject() {
        synchronized (this) {
            if (ejected) {
                return false;
            }
            ejected = true;
            return true;
        }
    }

    /** A probe connected: the target is picked again. */
    public void readmit() {
        ejected = false;
    }

    /** Whether a table still lists the target; probing a target no table mentions is pointless. */
    public boolean removed() {
        return lifecycle == Lifecycle.REMOVED;
    }

    public boolean takesNewRequests() {
        return lifecycle == Lifecycle.ACTIVE;
    }

    Lifecycle lifecycle() {
        return lifecycle;
    }

    void moveTo(Lifecycle next) {
        Lifecycle before = lifecycle;
        lifecycle = next;
        if (before == Lifecycle.ACTIVE && next != Lifecycle.ACTIVE) {
            onStop.forEach(Runnable::run);
        }
    }

    /**
     * Runs {@code action} (on the thread applying a table; it should hand itself to its own loop) when the target
     * stops taking new requests. A caller registering late checks {@link #takesNewRequests()} itself after this.
     */
    public void onStopTakingRequests(Runnable action) {
        onStop.add(action);
    }

    public void forgetStopTakingRequests(Runnable action) {
        onStop.remove(action);
    }

    /**
     * Counts a request as in flight to this target if the target still takes new requests.
     *
     * <p>The increment comes before the lifecycle check on purpose. The thread applying a table writes the
     * lifecycle before it publishes the applied version, and the engine reads {@code inFlight} after it saw that
     * version. So either this check sees the new lifecycle and backs off, or the engine sees this request in
     * flight and waits for it: a request is never sent to a process that was already told to stop.
     */
    public boolean tryStartRequest() {
        inFlight.incrementAndGet();
        if (lifecycle == Lifecycle.ACTIVE) {
            return true;
        }
        inFlight.decrementAndGet();
        return false;
    }

    /** The request started by {@link #tryStartRequest()} is over, however it ended. */
    public void endRequest(boolean completed, boolean failed) {
        inFlight.decrementAndGet();
        if (completed) {
            requests.increment();
        }
        if (failed) {
            failures.increment();
        }
    }

    /** A connection attempt failed without a request being in flight for it. */
    public void recordFailure() {
        failures.increment();
    }

    public int openConnections() {
        return openConnections.get();
    }

    public int inFlight() {
        return inFlight.get();
    }

    /** Reserves a connection slot if fewer than {@code max} connections are open or opening. */
    public boolean tryOpenConnection(int max) {
        while (true) {
            int current = openConnections.get();
            if (current >= max) {
                return false;
            }
            if (openConnections.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    public void connectionClosed() {
        openConnections.decrementAndGet();
    }

    boolean isIdle() {
        return inFlight.get() == 0 && openConnections.get() == 0;
    }

    public TargetStats stats() {
        return new TargetStats(instance, inFlight.get(), openConnections.get(), requests.sum(), failures.sum());
    }

    @Override
    public String toString() {
        return instance + "@" + address() + "(" + lifecycle + ")";
    }
}
