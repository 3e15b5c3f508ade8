package dev.cutover.router.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certificates of the HTTPS listener, by the names they cover (their DNS subject alternative names, or their
 * common name when they have none; {@code *.example.com} covers one label). A handshake asking for a name no
 * certificate covers, or for none, gets the first certificate.
 *
 * <p>Reload: every {@link TlsConfig#reloadInterval()} the files are read again; when their bytes changed, every
 * certificate is rebuilt and the new set replaces the old one at once (handshakes in progress finish with the old
 * one; established connections are not touched). A set that fails to load keeps the old one serving, and the
 * reason is logged once per change. Reading the bytes rather than watching events works with renames, symlink
 * swaps and coarse timestamps alike.
 *
 * <p>Handshakes and record encryption are BoringSSL's (netty-tcnative) where its native library loads, which makes
 * a new connection's handshake several times cheaper than the JDK's engine; elsewhere, or with the system property
 * {@value #IMPLEMENTATION_PROPERTY}{@code =jdk}, the JDK's.
 */
public final class CertificateStore implements Mapping<String, SslContext>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CertificateStore.class);

    /** One loaded set: the mapping handshakes use, the names, and the file bytes it came from. */
    private record Loaded(Mapping<String, SslContext> mapping, List<String> names, List<byte[]> sources) {}

    /** {@code auto} (the default: BoringSSL where it loads), {@code openssl} (BoringSSL or refuse) or {@code jdk}. */
    public static final String IMPLEMENTATION_PROPERTY = "cutover.router.tls";

    private final TlsConfig config;
    private final SslProvider provider;
    private volatile Loaded current;
    private ScheduledExecutorService reloader;
    private List<byte[]> lastFailed;
    /** The reason the files could not be read at the last check, logged once until it changes. */
    private String lastUnreadable;

    private CertificateStore(TlsConfig config, SslProvider provider, Loaded loaded) {
        this.config = config;
        this.provider = provider;
        this.current = loaded;
    }

    /** Loads every certificate, or fails naming the file at fault. */
    public static CertificateStore load(TlsConfig config) throws TlsException {
        SslProvider provider = provider(System.getProperty(IMPLEMENTATION_PROPERTY, "auto"));
        return new CertificateStore(config, provider, build(config, provider, read(config)));
    }

    /** The TLS implementation {@code setting} asks for ({@link #IMPLEMENTATION_PROPERTY}). */
    static SslProvider provider(String setting) throws TlsException {
        return switch (setting) {
            case "jdk" -> SslProvider.JDK;
            case "openssl" -> {
                if (!OpenSsl.isAvailable()) {
                    throw new TlsException(IMPLEMENTATION_PROPERTY + "=openssl: BoringSSL cannot be loaded here ("
                            + OpenSsl.unavailabilityCause() + "); leave the property out (or set it to jdk) to use "
                            + "the JDK's TLS", OpenSsl.unavailabilityCause());
                }
                yield SslProvider.OPENSSL;
            }
            case "auto" -> {
                if (OpenSsl.isAvailable()) {
                    yield SslProvider.OPENSSL;
                }
                log.info("TLS by the JDK: BoringSSL cannot be loaded here ({}); new connections' handshakes cost "
                        + "several times the CPU", String.valueOf(OpenSsl.unavailabilityCause()));
                yield SslProvider.JDK;
            }
            default -> throw new TlsException(IMPLEMENTATION_PROPERTY + ": '" + setting + "' (expected: auto, openssl "
                    + "or jdk)", null);
        };
    }

    /** Which implementation does the handshakes: {@code BoringSSL} or {@code the JDK}. */
    public String implementation() {
        return provider == SslProvider.OPENSSL ? "BoringSSL" : "the JDK";
    }

    @Override
    public SslContext map(String hostname) {
        return current.mapping().map(hostname == null ? null : hostname.toLowerCase(Locale.ROOT));
    }

    /** Every name some certificate covers, in the order of the files. */
    public List<String> names() {
        return current.names();
    }

    /** Starts checking the files for changes, on a daemon thread of its own. */
    public void startReloading() {
        reloader = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cutover-tls-reloader");
            t.setDaemon(true);
            return t;
        });
        long every = config.reloadInterval().toMillis();
        reloader.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
    }

    /** Reads the files and, if they changed, loads them; returns whether a new set is now served. */
    public boolean reloadIfChanged() {
        try {
            List<byte[]> sources;
            try {
                sources = read(config);
            } catch (TlsException e) {
                if (!e.getMessage().equals(lastUnreadable)) {
                    log.warn("certificates not reloaded, still serving {}: {}", current.names(), e.getMessage());
                    lastUnreadable = e.getMessage();
                }
                return false;
            }
            lastUnreadable = null;
            if (same(sources, current.sources()) || lastFailed != null && same(sources, lastFailed)) {
                return false;
            }
            try {
                Loaded loaded = build(config, provider, sources);
                current = loaded;
                lastFailed = null;
                log.info("certificates reloaded: serving {}", loaded.names());
                return true;
            } catch (TlsException e) {
                warnOnce(sources, e.getMessage());
                return false;
            }
        } catch (RuntimeException e) {
            // A background loop never dies.
            log.warn("checking the certificate files failed", e);
            return false;
        }
    }

    private void warnOnce(List<byte[]> sources, String reason) {
        if (lastFailed == null || !same(sources, lastFailed)) {
            log.warn("certificates not reloaded, still serving {}: {}", current.names(), reason);
        }
        lastFailed = sources;
    }

    private static List<byte[]> read(TlsConfig config) throws TlsException {
        List<byte[]> sources = new ArrayList<>();
        for (TlsConfig.CertificateFiles files : config.certificates()) {
            sources.add(readFile(files.cert()));
            sources.add(readFile(files.key()));
        }
        return sources;
    }

    private static byte[] readFile(java.nio.file.Path file) throws TlsException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsException(file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new TlsException(file + ": permission denied (the router's user must be able to read it)", e);
        } catch (IOException e) {
            throw new TlsException(file + ": cannot be read (" + e + ")", e);
        }
    }

    private static Loaded build(TlsConfig config, SslProvider provider, List<byte[]> sources) throws TlsException {
        DomainWildcardMappingBuilder<SslContext> mapping = null;
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < config.certificates().size(); i++) {
            TlsConfig.CertificateFiles files = config.certificates().get(i);
            String certPem = new String(sources.get(2 * i), StandardCharsets.US_ASCII);
            String keyPem = new String(sources.get(2 * i + 1), StandardCharsets.US_ASCII);
            List<X509Certificate> chain;
            PrivateKey key;
            SslContext context;
            try {
                chain = PemFiles.certificates(certPem, files.cert().toString());
                key = PemFiles.privateKey(keyPem, files.key().toString());
                requireKeyFits(key, chain.get(0), files);
                context = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                        .sslProvider(provider).build();
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new TlsException(files.cert() + " / " + files.key() + ": " + e.getMessage(), e);
            } catch (javax.net.ssl.SSLException e) {
                throw new TlsException(files.cert() + " / " + files.key() + ": the key does not fit the certificate"
                        + " or cannot be used (" + e.getMessage() + ")", e);
            }
            if (mapping == null) {
                mapping = new DomainWildcardMappingBuilder<>(context);
            }
            for (String name : namesOf(chain.get(0), files.cert().toString())) {
                if (names.add(name)) {
                    mapping.add(name, context);
                }
            }
        }
        return new Loaded(mapping.build(), List.copyOf(names), List.copyOf(sources));
    }

    /**
     * Refuses a key that is not the certificate's: a signature made with it must verify with the certificate's public
     * key. Netty builds a context from any pair and every handshake then fails, which is what a renewal that has
     * written the new certificate but not yet its key would serve.
     */
    static void requireKeyFits(PrivateKey key, X509Certificate certificate, TlsConfig.CertificateFiles files)
            throws TlsException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null) {
            return; // a kind of key not checked here: the handshake will tell
        }
        String certificateKind = certificate.getPublicKey().getAlgorithm();
        boolean fits = key.getAlgorithm().equals(certificateKind)
                || algorithm.startsWith("Ed") && certificateKind.startsWith("Ed");
        if (fits) {
            try {
                byte[] challenge = new byte[32];
                new java.security.SecureRandom().nextBytes(challenge);
                java.security.Signature signer = java.security.Signature.getInstance(algorithm);
                signer.initSign(key);
                signer.update(challenge);
                byte[] signature = signer.sign();
                java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
                verifier.initVerify(certificate.getPublicKey());
                verifier.update(challenge);
                fits = verifier.verify(signature);
            } catch (GeneralSecurityException e) {
                fits = false;
            }
        }
        if (!fits) {
            throw new TlsException(files.key() + ": not the key of the certificate in " + files.cert() + " (its "
                    + key.getAlgorithm() + " key does not match the certificate's " + certificate.getPublicKey()
                    .getAlgorithm() + " public key; a renewal must replace both files: the certificate and its own "
                    + "key)", null);
        }
    }

    /** The DNS names a certificate covers: its subject alternative names, or its common name without them. */
    static List<String> namesOf(X509Certificate certificate, String file) throws TlsException {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (alternative.size() >= 2 && Integer.valueOf(2).equals(alternative.get(0))) {
                        names.add(((String) alternative.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (names.isEmpty()) {
                for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException | InvalidNameException e) {
            throw new TlsException(file + ": cannot read the names of the certificate (" + e.getMessage() + ")", e);
        }
        return names;
    }

    private static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (reloader != null) {
            reloader.shutdownNow();
        }
    }
}
