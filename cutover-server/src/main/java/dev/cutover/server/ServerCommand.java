package dev.cutover.server;

import dev.cutover.cli.Credentials;
import dev.cutover.router.ListenException;
import dev.cutover.router.tls.TlsConfig;
import dev.cutover.server.handover.HandoverOffer;
import dev.cutover.server.handover.Takeover;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "server", description = "Run the controller, the router and a local agent in one process, with the "
        + "embedded store.")
public final class ServerCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: $CUTOVER_HOME/data, "
            + "i.e. ~/.cutover/data)")
    Path data;

    @Option(names = "--http-port", defaultValue = "8080", description = "The router's port (default: 8080)")
    int httpPort;

    @Option(names = "--api-port", defaultValue = "7070", description = "The API's port (default: 7070)")
    int apiPort;

    @Option(names = "--domain", defaultValue = "localhost", description = "Environments are served at APP-ENV.DOMAIN "
            + "(default: localhost, which needs no DNS)")
    String domain;

    @Option(names = "--http-bind", defaultValue = "0.0.0.0", description = "The router's address (default: 0.0.0.0)")
    String httpBind;

    @Option(names = "--api-bind", defaultValue = "127.0.0.1", description = "The API's address (default: 127.0.0.1;"
            + " the API controls this machine, expose it with care)")
    String apiBind;

    @Option(names = "--https-port", paramLabel = "PORT", description = "Also serve HTTPS on this port, with the "
            + "certificates of --tls-cert and --tls-key (default: no HTTPS)")
    Integer httpsPort;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "A PEM certificate chain, leaf first; repeat "
            + "with --tls-key for several (SNI picks by name; the first serves unknown names)")
    List<Path> tlsCerts = new ArrayList<>();

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The PEM private key of the --tls-cert at the "
            + "same position (PKCS#8, or PKCS#1 for RSA)")
    List<Path> tlsKeys = new ArrayList<>();

    @Option(names = "--keep-releases", paramLabel = "N", description = "Keep the builds of each environment's N "
            + "newest releases, and of those serving, in a deployment or running; delete the others' (default: keep "
            + "all)")
    Integer keepReleases;

    @Override
    public Integer call() throws Exception {
        Path dir = data != null ? data : Credentials.home().resolve("data");
        ServerConfig config;
        try {
            if (keepReleases != null && keepReleases < 1) {
                throw new IllegalArgumentException("--keep-releases: " + keepReleases + " (expected: 1 or more; leave "
                        + "it out to keep the build of every release)");
            }
            config = new ServerConfig(dir.toAbsolutePath(), httpBind, httpPort, apiBind, apiPort, domain,
                    Clock.systemUTC(), tls(), keepReleases == null ? 0 : keepReleases);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        String unusable = unusableDataDir(config.dataDir());
        if (unusable != null) {
            System.err.println("error: --data: " + config.dataDir() + ": " + unusable + " (expected: a directory this "
                    + "user can create and write to)");
            return 2;
        }
        Takeover takeover;
        try {
            takeover = Takeover.ask(config.dataDir().resolve(Controller.HANDOVER_SOCKET)).orElse(null);
        } catch (IOException e) {
            System.err.println("error: a server runs on " + config.dataDir() + " and did not hand over to this one: "
                    + e.getMessage() + " (it goes on serving; try again, or stop it first)");
            return 3;
        }
        if (takeover != null) {
            String mismatch = mismatch(takeover.offer());
            if (mismatch != null) {
                takeover.close();
                System.err.println("error: " + mismatch + " (expected: the ports of the server running on "
                        + config.dataDir() + ", which this one would take over from; it goes on serving)");
                return 2;
            }
            System.out.println("taking over from the server running on " + config.dataDir() + " (pid "
                    + takeover.offer().pid() + "): its router's sockets first, then the rest once it has stopped");
            System.out.flush();
        }
        Controller controller;
        try {
            controller = Controller.start(config, takeover);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        } catch (ListenException e) {
            System.err.println("error: router: " + e.getMessage() + " (" + (e.aboutThePort()
                    ? "is another server running? choose other ports with --http-port and --https-port"
                    : "choose the address with --http-bind") + ")");
            return 3;
        } catch (java.net.BindException e) {
            // The router's sockets fail as ListenException above; what is left to bind is the API's.
            ListenException api = ListenException.of(apiBind, apiPort, e);
            System.err.println("error: API: " + api.getMessage() + " (" + (api.aboutThePort()
                    ? "is another server running? choose another port with --api-port"
                    : "choose the address with --api-bind") + ")");
            return 3;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            controller.close();
            stopped.countDown();
        }, "cutover-shutdown"));
        controller.handedOver().thenRun(() -> {
            System.out.println("a new server took over; this one has stopped");
            System.out.flush();
            stopped.countDown();
        });
        System.out.println("cutover server running");
        System.out.println("  API:     " + controller.apiUrl() + "  (token in " + config.dataDir().resolve(AdminToken.FILE)
                + ", also in " + Credentials.file() + ")");
        System.out.println("  router:  http://APP-ENV." + domain + ":" + controller.httpPort() + "/");
        if (controller.httpsPort() > 0) {
            System.out.println("  https:   https://APP-ENV." + domain + ":" + controller.httpsPort() + "/  (certificates for "
                    + controller.certificateNames() + ")");
        }
        System.out.println("  data:    " + config.dataDir());
        System.out.println("Deploy with: cutover deploy DIR --to APP --wait");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** Why this server cannot take over the running one's sockets, or null when it can. */
    private String mismatch(HandoverOffer offer) {
        if (httpPort != 0 && httpPort != offer.httpPort()) {
            return "--http-port: " + httpPort + ", but the running server's router listens on " + offer.httpPort();
        }
        if (apiPort != 0 && offer.apiPort() != 0 && apiPort != offer.apiPort()) {
            return "--api-port: " + apiPort + ", but the running server's API listens on " + offer.apiPort()
                    + " (the CLI and scripts find it there)";
        }
        int https = httpsPort == null ? -1 : httpsPort;
        if ((https < 0) != (offer.httpsPort() < 0) || https > 0 && https != offer.httpsPort()) {
            return "--https-port: " + (https < 0 ? "none" : https) + ", but the running server's is "
                    + (offer.httpsPort() < 0 ? "none" : offer.httpsPort());
        }
        return null;
    }

    /** The HTTPS listener of the options, or null; certificates and keys pair up by position. */
    private TlsConfig tls() {
        if (httpsPort == null) {
            if (!tlsCerts.isEmpty() || !tlsKeys.isEmpty()) {
                throw new IllegalArgumentException("--tls-cert: given without --https-port (expected: --https-port "
                        + "PORT to serve HTTPS)");
            }
            return null;
        }
        if (tlsCerts.isEmpty() || tlsCerts.size() != tlsKeys.size()) {
            throw new IllegalArgumentException("--tls-cert/--tls-key: " + tlsCerts.size() + " certificates and "
                    + tlsKeys.size() + " keys (expected: one --tls-key for each --tls-cert, at least one pair)");
        }
        List<TlsConfig.CertificateFiles> files = new ArrayList<>();
        for (int i = 0; i < tlsCerts.size(); i++) {
            files.add(new TlsConfig.CertificateFiles(tlsCerts.get(i).toAbsolutePath(), tlsKeys.get(i).toAbsolutePath()));
        }
        return new TlsConfig(httpsPort, files, TlsConfig.DEFAULT_RELOAD_INTERVAL);
    }

    /** Why {@code dir} cannot hold the server's data, or null when it can (it is created if missing). */
    private static String unusableDataDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            return "exists and is not a directory";
        } catch (AccessDeniedException e) {
            return "cannot be created: permission denied";
        } catch (NoSuchFileException e) {
            return "cannot be created: the file system there refused it (no such file or directory)";
        } catch (IOException e) {
            return "cannot be created: " + e.getMessage();
        }
        return Files.isWritable(dir) ? null : "not writable by this user";
    }
}
