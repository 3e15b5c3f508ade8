package dev.cutover.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the CLI finds API tokens: {@code $CUTOVER_HOME/credentials} ({@code ~/.cutover/credentials} by default), one
 * line per API URL. A server writes its admin token there on first start, so the CLI on the same machine works
 * without setup. The file is readable by its owner only.
 */
public final class Credentials {

    public static final String DEFAULT_API = "http://127.0.0.1:7070";

    private Credentials() {}

    /** {@code CUTOVER_HOME} as a system property (tests set it), else the environment variable, else ~/.cutover. */
    public static Path home() {
        String prop = System.getProperty("CUTOVER_HOME");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("CUTOVER_HOME");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cutover");
    }

    public static Path file() {
        return home().resolve("credentials");
    }

    public static Optional<String> token(String apiUrl) {
        Path f = file();
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(p.getProperty(normalise(apiUrl)));
    }

    /** Records {@code token} for {@code apiUrl}, keeping the other entries; written atomically. */
    public static synchronized void save(String apiUrl, String token) throws IOException {
        Path f = file();
        Files.createDirectories(f.getParent());
        Properties p = new Properties();
        if (Files.isRegularFile(f)) {
            try (Reader r = Files.newBufferedReader(f)) {
                p.load(r);
            }
        }
        p.setProperty(normalise(apiUrl), token);
        Path tmp = Files.createTempFile(f.getParent(), ".credentials-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "Cutover API tokens by API URL");
        }
        try {
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The key of an API URL: without a trailing slash, and with this machine's loopback addresses as one
     * ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}), so that {@code --api http://localhost:7070} finds the
     * token the server saved for {@code http://127.0.0.1:7070}.
     */
    static String normalise(String apiUrl) {
        String url = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        try {
            java.net.URI uri = new java.net.URI(url);
            String host = uri.getHost();
            if (host != null && (host.equalsIgnoreCase("localhost") || host.equals("[::1]") || host.equals("::1")
                    || host.startsWith("127."))) {
                return new java.net.URI(uri.getScheme().toLowerCase(java.util.Locale.ROOT), null, "127.0.0.1",
                        uri.getPort(), uri.getPath(), null, null).toString();
            }
        } catch (java.net.URISyntaxException e) {
            // not a URL: the key is the text as given, and the request will say what is wrong with it
        }
        return url;
    }
}
