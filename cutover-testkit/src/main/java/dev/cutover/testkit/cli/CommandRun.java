package dev.cutover.testkit.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;

/**
 * A command run in the test's own JVM, with its exit status and what it wrote to standard error: how tests check
 * the messages a command refuses with. Not for tests that run in parallel: standard error is the JVM's.
 *
 * @param status the exit status the command returned
 * @param err everything written to standard error while it ran
 */
public record CommandRun(int status, String err) {

    /** Runs {@code command} (e.g. {@code () -> new CommandLine(new X()).execute(args)}) with standard error captured. */
    public static CommandRun of(IntSupplier command) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream before = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int status = command.getAsInt();
            return new CommandRun(status, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(before);
        }
    }
}
