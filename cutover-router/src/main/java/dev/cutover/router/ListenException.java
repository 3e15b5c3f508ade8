package dev.cutover.router;

import java.util.Locale;

/**
 * The router could not open one of its listening sockets. The message names the address and port, says why in
 * words, and what to change; callers add the flag that sets them.
 */
public final class ListenException extends RuntimeException {

    private final String address;
    private final int port;

    ListenException(String address, int port, String reason, Throwable cause) {
        super("cannot listen on " + address + ":" + port + ": " + reason, cause);
        this.address = address;
        this.port = port;
    }

    /** Why binding {@code address:port} failed with {@code cause}, in the words an operator needs. */
    static ListenException of(String address, int port, Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        String reason;
        if (lower.contains("address already in use")) {
            reason = "the port is in use by another process; stop it, or pick another port";
        } else if (lower.contains("permission denied") || lower.contains("access denied")) {
            reason = "permission denied; ports below 1024 need root or the CAP_NET_BIND_SERVICE capability, "
                    + "so pick one above 1023";
        } else if (lower.contains("cannot assign requested address")) {
            reason = "the address is not one of this machine's; use one of its addresses, or 0.0.0.0 for all";
        } else {
            reason = message;
        }
        return new ListenException(address, port, reason, cause);
    }

    /** The address given to listen on, as configured. */
    public String address() {
        return address;
    }

    /** The port given to listen on; 0 if the system was to choose. */
    public int port() {
        return port;
    }
}
