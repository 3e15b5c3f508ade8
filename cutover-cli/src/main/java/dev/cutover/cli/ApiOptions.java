package dev.cutover.cli;

import picocli.CommandLine.Option;

/** Where the API is and how to authenticate, shared by every command that talks to it. */
public final class ApiOptions {

    @Option(names = "--api", paramLabel = "URL", description = "The Cutover API (default: $CUTOVER_API, else "
            + Credentials.DEFAULT_API + ")")
    String api;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API token (default: $CUTOVER_TOKEN, else the "
            + "one the server wrote to the credentials file)")
    String token;

    public String api() {
        if (api != null) {
            return api;
        }
        String env = System.getenv("CUTOVER_API");
        return env != null && !env.isBlank() ? env : Credentials.DEFAULT_API;
    }

    public ApiClient client() {
        String t = token;
        if (t == null) {
            String env = System.getenv("CUTOVER_TOKEN");
            t = env != null && !env.isBlank() ? env : Credentials.token(api()).orElse(null);
        }
        if (t == null) {
            throw new CliException("no API token for " + api() + ": start `cutover server` on this machine (it writes "
                    + Credentials.file() + "), or pass --token / set CUTOVER_TOKEN", CliException.API);
        }
        return new ApiClient(api(), t);
    }
}
