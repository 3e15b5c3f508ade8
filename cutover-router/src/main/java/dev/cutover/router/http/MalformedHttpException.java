package dev.cutover.router.http;

/**
 * A head the router will not forward. Carries what kind of problem it is (the status the client gets) and a
 * message for logs and the short error body. Thrown by the parsers without a stack trace: a malformed request is
 * input, not a bug, and a flood of them must not cost a stack walk each.
 */
public final class MalformedHttpException extends Exception {

    /** What is wrong, which decides the status of the answer. */
    public enum Kind {
        /** Malformed or ambiguous: 400. */
        MALFORMED,
        /** The request line is longer than the router reads: 414. */
        LINE_TOO_LONG,
        /** The header section is larger than the router reads, or has too many fields: 431. */
        HEADERS_TOO_LARGE,
        /** An {@code Expect} the router cannot meet (anything but {@code 100-continue}): 417. */
        EXPECTATION_FAILED
    }

    private final Kind kind;

    MalformedHttpException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    static MalformedHttpException malformed(String message) {
        return new MalformedHttpException(Kind.MALFORMED, message);
    }

    public Kind kind() {
        return kind;
    }
}
