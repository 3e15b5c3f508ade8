package dev.cutover.cli;

import dev.cutover.model.agent.LogChunk;
import dev.cutover.model.api.ReleaseCommandView;
import java.io.PrintWriter;

/**
 * Prints a deployment's release command output as it comes, indented under the deployment's events, by reading the
 * run's log (it is an instance log, {@code cutover logs --instance RUN}) from where it left off. Once the command has
 * ended it reads to the end; when the log cannot be read, it prints what the deployment kept of the output instead.
 * One per watched deployment; not thread-safe.
 */
final class ReleaseOutput {

    static final String INDENT = "              ";
    private static final int CHUNK = 65536;

    private final ApiClient api;
    private final PrintWriter out;
    private long offset;
    private boolean printedAny;
    private boolean done;

    ReleaseOutput(ApiClient api, PrintWriter out) {
        this.api = api;
        this.out = out;
    }

    /** Whether all of the output was printed: the command ended and its log was read to its end. */
    boolean done() {
        return done;
    }

    /** Prints the output written since the last call; all of what is left once {@code command} has ended. */
    void follow(ReleaseCommandView command) {
        if (done) {
            return;
        }
        try {
            while (true) {
                LogChunk chunk = api.get("/api/instances/" + command.run() + "/log?offset=" + offset + "&max=" + CHUNK,
                        LogChunk.class);
                print(chunk.text());
                offset = chunk.next();
                if (chunk.ended() && !command.running()) {
                    done = true;
                    return;
                }
                if (chunk.text().isEmpty()) {
                    return;
                }
            }
        } catch (CliException e) {
            if (!command.running()) {
                if (!printedAny && command.output() != null) {
                    print(command.output());
                }
                done = true;
            }
        }
    }

    private void print(String text) {
        text.lines().forEach(line -> {
            out.println(INDENT + line);
            printedAny = true;
        });
        out.flush();
    }
}
