package dev.cutover.agent.supervisor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * Ports given to listening instances. An instance keeps its port across restarts while the port is free; ports held
 * by this agent's other instances (even those not running right now) are never handed out twice. Thread-safe.
 */
final class Ports {

    private static final int TRIES = 50;

    private final Map<String, Integer> held = new HashMap<>();

    /** A free port for {@code instanceId}: {@code preferred} if it is free and not held by another instance. */
    synchronized int reserve(String instanceId, int preferred) throws IOException {
        if (preferred > 0 && !heldByOther(instanceId, preferred) && free(preferred)) {
            held.put(instanceId, preferred);
            return preferred;
        }
        for (int i = 0; i < TRIES; i++) {
            int port = ephemeral();
            if (!heldByOther(instanceId, port)) {
                held.put(instanceId, port);
                return port;
            }
        }
        throw new IOException("no free port found in " + TRIES + " tries");
    }

    /** Records a port an adopted instance holds. */
    synchronized void hold(String instanceId, int port) {
        if (port > 0) {
            held.put(instanceId, port);
        }
    }

    synchronized void release(String instanceId) {
        held.remove(instanceId);
    }

    private boolean heldByOther(String instanceId, int port) {
        for (Map.Entry<String, Integer> e : held.entrySet()) {
            if (e.getValue() == port && !e.getKey().equals(instanceId)) {
                return true;
            }
        }
        return false;
    }

    private static int ephemeral() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("0.0.0.0", 0));
            return s.getLocalPort();
        }
    }

    static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("0.0.0.0", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
