package dev.cutover.model.agent;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A piece of an exec's combined stdout and stderr.
 *
 * @param text the bytes read, as UTF-8 text, never cut inside a character
 * @param next the offset to read from next time
 * @param exitCode null while the command runs or output is left to read; then its exit code ({@code 128 + N} when
 *                 killed by signal N)
 */
public record ExecChunk(String text, long next, Integer exitCode) {

    /** Whether all output was read and the command has exited. */
    @JsonIgnore
    public boolean done() {
        return exitCode != null;
    }
}
