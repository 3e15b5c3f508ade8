package dev.cutover.testkit.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Self-signed certificates made with the openssl command, as an operator would make them. */
public final class Certificates {

    /** The kinds of key files operators have. */
    public enum KeyKind { EC_PKCS8, RSA_PKCS8, RSA_PKCS1 }

    /** A certificate file and its key file. */
    public record Pair(Path cert, Path key) {}

    private Certificates() {}

    /** Writes {@code NAME.pem} and {@code NAME.key} into {@code dir} for a certificate covering {@code dnsName}. */
    public static Pair make(Path dir, String name, String dnsName, KeyKind kind) throws IOException {
        Path cert = dir.resolve(name + ".pem");
        Path key = dir.resolve(name + ".key");
        List<String> subject = List.of("-subj", "/CN=" + dnsName, "-addext", "subjectAltName=DNS:" + dnsName,
                "-days", "2");
        switch (kind) {
            case EC_PKCS8 -> openssl(dir, concat(List.of("req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString()),
                    subject));
            case RSA_PKCS8 -> openssl(dir, concat(List.of("req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key.toString(), "-out", cert.toString()), subject));
            case RSA_PKCS1 -> {
                openssl(dir, List.of("genrsa", "-traditional", "-out", key.toString(), "2048"));
                openssl(dir, concat(List.of("req", "-x509", "-new", "-key", key.toString(), "-out", cert.toString()),
                        subject));
            }
        }
        return new Pair(cert, key);
    }

    /** The first certificate of a PEM file. */
    public static X509Certificate read(Path pem) throws IOException, CertificateException {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pem)));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static void openssl(Path dir, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (is openssl installed? bin/test installs "
                        + "it): " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running openssl", e);
        }
    }
}
