package dev.cutover.router.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Self-signed certificates made with the openssl command, as an operator would make them. */
public final class TestCertificates {

    /** The kinds of key files operators have. */
    public enum KeyKind { EC_PKCS8, RSA_PKCS8, RSA_PKCS1 }

    private TestCertificates() {}

    /** Writes {@code NAME.pem} and {@code NAME.key} for a certificate covering {@code dnsName}. */
    public static TlsConfig.CertificateFiles make(Path dir, String name, String dnsName, KeyKind kind)
            throws IOException, InterruptedException {
        Path cert = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        switch (kind) {
            case EC_PKCS8 -> run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                    "-subj", "/CN=" + dnsName, "-addext", "subjectAltName=DNS:" + dnsName, "-days", "2");
            case RSA_PKCS8 -> run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                    key.toString(), "-out", cert.toString(), "-subj", "/CN=" + dnsName, "-addext",
                    "subjectAltName=DNS:" + dnsName, "-days", "2");
            case RSA_PKCS1 -> {
                run(dir, "openssl", "genrsa", "-traditional", "-out", key.toString(), "2048");
                run(dir, "openssl", "req", "-x509", "-new", "-key", key.toString(), "-out", cert.toString(),
                        "-subj", "/CN=" + dnsName, "-addext", "subjectAltName=DNS:" + dnsName, "-days", "2");
            }
        }
        return new TlsConfig.CertificateFiles(cert, key);
    }

    /** The first certificate of a PEM file. */
    public static X509Certificate read(Path pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + output);
        }
    }
}
