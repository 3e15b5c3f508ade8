package dev.cutover.cli;

import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.Option;

/** Where the API is and how to authenticate, shared by every command that talks to it. */
public final class ApiOptions {

    @Option(names = "--api", paramLabel = "URL", description = "The Cutover API (default: $CUTOVER_API, else "
            + Credentials.DEFAULT_API + ")")
    String api;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API token (default: $CUTOVER_TOKEN, else the "
            + "one the server wrote to the credentials file)")
    String token;

    /**
     * @throws CliException (usage) when the URL is not an http or https URL with a host; the message names where it
     *                      came from (the option or the environment variable)
     */
    public String api() {
        if (api != null) {
            return checked("--api", api);
        }
        String env = System.getenv("CUTOVER_API");
        return env != null && !env.isBlank() ? checked("CUTOVER_API", env) : Credentials.DEFAULT_API;
    }

    static String checked(String from, String url) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            uri = null;
        }
        boolean http = uri != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()));
        if (!http || uri.getHost() == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new CliException(from + ": '" + url + "' (expected: the API's http or https URL, e.g. "
                    + Credentials.DEFAULT_API + ")", CliException.USAGE);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        if (path.equals("/api") || path.startsWith("/api/")) {
            // the commands add /api/... themselves: this would ask for /api/api/... and meet a 404
            String root = url.trim().substring(0, url.trim().indexOf(uri.getRawPath()));
            throw new CliException(from + ": '" + url + "' (expected: the server's URL without the /api path, which "
                    + "each command adds itself: " + root + ")", CliException.USAGE);
        }
        return url.trim();
    }

    public ApiClient client() {
        String t = token;
        if (t == null) {
            String env = System.getenv("CUTOVER_TOKEN");
            t = env != null && !env.isBlank() ? env : Credentials.token(api()).orElse(null);
        }
        if (t == null) {
            String unreachable = unreachable(api());
            if (unreachable == null && ApiClient.isRouter(api())) {
                throw ApiClient.notTheApi(api() + " is a Cutover router");
            }
            throw new CliException(unreachable != null
                    ? "nothing answers at " + api() + " (" + unreachable + "): is `cutover server` running, and is "
                            + "this its API (--api, CUTOVER_API)? A server writes its token to " + Credentials.file()
                            + " when it starts"
                    : "no API token for " + api() + ": start `cutover server` on this machine (it writes "
                            + Credentials.file() + "), or pass --token / set CUTOVER_TOKEN", CliException.API);
        }
        return new ApiClient(api(), t);
    }

    /** Why nothing accepts a connection at {@code url}'s host and port within a second, or null when something does. */
    static String unreachable(String url) {
        URI uri = URI.create(url);
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), port), 1000);
            return null;
        } catch (java.net.SocketTimeoutException e) {
            return "no answer to a connection within 1s";
        } catch (java.net.UnknownHostException e) {
            return "the name " + uri.getHost() + " does not resolve";
        } catch (java.io.IOException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
