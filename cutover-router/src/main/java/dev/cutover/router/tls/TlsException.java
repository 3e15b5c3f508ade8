package dev.cutover.router.tls;

/** Certificates that cannot be served: the message names the file and what is wrong with it. */
public final class TlsException extends Exception {
    TlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
