package dev.cutover.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cutover.model.json.Json;
import dev.cutover.model.name.EnvRef;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that talks to the API: turns {@link CliException} into a message and an exit code. */
abstract class ApiCommand implements Callable<Integer> {

    @Mixin
    ApiOptions apiOptions;

    @Spec
    CommandSpec spec;

    abstract int run(ApiClient api);

    @Override
    public final Integer call() {
        try {
            return run(apiOptions.client());
        } catch (CliException e) {
            err().println("error: " + e.getMessage());
            err().flush();
            if (jsonOutput()) {
                // a script reading standard output gets an object to parse, not nothing
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("error", e.getMessage());
                error.put("exitCode", e.exitCode());
                printJson(error);
            }
            return e.exitCode();
        }
    }

    /** Whether the command was asked for {@code --output json}. */
    private boolean jsonOutput() {
        CommandLine.Model.OptionSpec output = spec.findOption("--output");
        return output != null && output.getValue() == OutputFormat.json;
    }

    /** {@code api} as a client that waits for a server that went away, saying so on standard error. */
    ApiClient patient(ApiClient api) {
        return api.patient(ApiClient.PATIENCE, notice -> {
            err().println("note: " + notice);
            err().flush();
        });
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    static EnvRef env(String text) {
        try {
            return EnvRef.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        }
    }

    void printJson(Object value) {
        try {
            out().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out().flush();
    }
}
