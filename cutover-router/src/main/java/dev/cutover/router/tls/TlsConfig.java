package dev.cutover.router.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The HTTPS listener.
 *
 * @param port the port; 0 picks a free one
 * @param certificates the certificate and key pairs; the first is served to clients that ask for no name, or for
 *                     a name no certificate covers
 * @param reloadInterval how often the files are checked for changes
 */
public record TlsConfig(int port, List<CertificateFiles> certificates, Duration reloadInterval) {

    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);

    /** A PEM certificate chain (leaf first) and its PEM private key (PKCS#8, or PKCS#1 for RSA). */
    public record CertificateFiles(Path cert, Path key) {
        public CertificateFiles {
            Objects.requireNonNull(cert, "cert");
            Objects.requireNonNull(key, "key");
        }
    }

    public TlsConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("tls.port: " + port + " (expected: 0-65535)");
        }
        certificates = List.copyOf(certificates);
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("tls.certificates: [] (expected: at least one certificate and key)");
        }
        Objects.requireNonNull(reloadInterval, "reloadInterval");
        if (reloadInterval.isNegative() || reloadInterval.isZero()) {
            throw new IllegalArgumentException("tls.reloadInterval: " + reloadInterval + " (expected: a positive "
                    + "duration)");
        }
    }
}
