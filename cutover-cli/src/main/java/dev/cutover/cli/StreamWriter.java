package dev.cutover.cli;

import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The text writer of one of the process's own streams, which also hands out the stream itself: what a command that
 * must pass bytes on as they are ({@code cutover exec}'s output) writes to. A writer an embedding gave picocli is
 * not one of these, and gets those bytes decoded as UTF-8.
 */
public final class StreamWriter extends PrintWriter {

    private final PrintStream stream;

    private StreamWriter(PrintStream stream) {
        super(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
        this.stream = stream;
    }

    public static StreamWriter of(PrintStream stream) {
        return new StreamWriter(stream);
    }

    /** The stream under this writer; flush the writer first, so that what was printed stays in order. */
    OutputStream bytes() {
        return stream;
    }
}
