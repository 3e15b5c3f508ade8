package dev.cutover.router;

import java.util.Locale;

/**
 * A listening socket could not be opened. The message names the address and port and says why in words; {@link
 * #reason()} lets a caller add the flag that changes what is wrong.
 */
public final class ListenException extends RuntimeException {

    /** Why a socket could not be bound. */
    public enum Reason {
        /** Another process holds the port. */
        PORT_IN_USE("the port is in use by another process; stop it, or pick another port"),
        /** A port below 1024 without the right to bind it. */
        PERMISSION_DENIED("permission denied; ports below 1024 need root or the CAP_NET_BIND_SERVICE capability, so "
                + "pick one above 1023"),
        /** An IP address this machine does not have. */
        NOT_THIS_MACHINE("the address is not one of this machine's; use one of its addresses, or 0.0.0.0 for all"),
        /** A host name that does not resolve. */
        UNRESOLVED("no such address or host name; expected an IP address of this machine, 0.0.0.0 for all of them, or "
                + "a name that resolves to one"),
        /** Anything else; the message carries the system's own words. */
        OTHER(null);

        private final String words;

        Reason(String words) {
            this.words = words;
        }
    }

    private final String address;
    private final int port;
    private final Reason reason;

    private ListenException(String address, int port, Reason reason, String words, Throwable cause) {
        super("cannot listen on " + address + ":" + port + ": " + words, cause);
        this.address = address;
        this.port = port;
        this.reason = reason;
    }

    static ListenException unresolved(String address, int port) {
        return new ListenException(address, port, Reason.UNRESOLVED, Reason.UNRESOLVED.words, null);
    }

    /**
     * Why binding {@code address:port} failed with {@code cause} (an exception from the socket layer, or one that
     * wraps it), in the words an operator needs.
     */
    public static ListenException of(String address, int port, Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        Reason reason;
        if (lower.contains("address already in use")) {
            reason = Reason.PORT_IN_USE;
        } else if (lower.contains("permission denied") || lower.contains("access denied")) {
            reason = Reason.PERMISSION_DENIED;
        } else if (lower.contains("cannot assign requested address")) {
            reason = Reason.NOT_THIS_MACHINE;
        } else if (lower.contains("unresolved")) {
            reason = Reason.UNRESOLVED;
        } else {
            reason = Reason.OTHER;
        }
        String words = reason.words != null ? reason.words : message;
        if (reason == Reason.PORT_IN_USE && port > 0 && !PortHolders.someoneListens(port)) {
            words = PortHolders.heldByConnections(port);
        }
        return new ListenException(address, port, reason, words, cause);
    }

    /** The address given to listen on, as configured. */
    public String address() {
        return address;
    }

    /** The port given to listen on; 0 if the system was to choose. */
    public int port() {
        return port;
    }

    public Reason reason() {
        return reason;
    }

    /** Whether the port, rather than the address, is what has to change. */
    public boolean aboutThePort() {
        return reason == Reason.PORT_IN_USE || reason == Reason.PERMISSION_DENIED;
    }
}
