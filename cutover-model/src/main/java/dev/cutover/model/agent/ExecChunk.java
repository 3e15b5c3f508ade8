package dev.cutover.model.agent;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A piece of an exec's output: the bytes it wrote to standard output and to standard error past the offsets asked
 * for, each as written (base64 in JSON), so that binary output and the split between the two streams survive.
 *
 * @param out bytes of standard output
 * @param next the offset in standard output to read from next time
 * @param err bytes of standard error
 * @param errNext the offset in standard error to read from next time
 * @param exitCode null while the command runs or output is left to read; then its exit code ({@code 128 + N} when
 *                 killed by signal N)
 */
public record ExecChunk(byte[] out, long next, byte[] err, long errNext, Integer exitCode) {

    public ExecChunk {
        out = out == null ? new byte[0] : out;
        err = err == null ? new byte[0] : err;
    }

    /** Whether all output was read and the command has exited. */
    @JsonIgnore
    public boolean done() {
        return exitCode != null;
    }

    /** Whether the chunk carries no byte of either stream. */
    @JsonIgnore
    public boolean empty() {
        return out.length == 0 && err.length == 0;
    }
}
