package dev.cutover.router.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads PEM certificate chains and private keys with the JDK alone: PKCS#8 keys ({@code BEGIN PRIVATE KEY}, what
 * OpenSSL 3 writes) of RSA, EC or Ed25519, and PKCS#1 RSA keys ({@code BEGIN RSA PRIVATE KEY}, what older tools and
 * many certificate authorities hand out), which are wrapped into PKCS#8 here.
 */
final class PemFiles {

    /** The DER of the PKCS#8 AlgorithmIdentifier for rsaEncryption (OID 1.2.840.113549.1.1.1, NULL parameters). */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private PemFiles() {}

    /** The certificates of a PEM file, in order. */
    static List<X509Certificate> certificates(String pem, String file) throws CertificateException {
        List<byte[]> blocks = blocks(pem, "CERTIFICATE");
        if (blocks.isEmpty()) {
            throw new CertificateException(file + ": no '-----BEGIN CERTIFICATE-----' block (expected: a PEM "
                    + "certificate chain, leaf first)");
        }
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> chain = new ArrayList<>();
        for (byte[] der : blocks) {
            chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
        }
        return chain;
    }

    /** The private key of a PEM file. */
    static PrivateKey privateKey(String pem, String file) throws GeneralSecurityException {
        List<byte[]> pkcs8 = blocks(pem, "PRIVATE KEY");
        if (!pkcs8.isEmpty()) {
            return pkcs8Key(pkcs8.get(0), file);
        }
        List<byte[]> pkcs1 = blocks(pem, "RSA PRIVATE KEY");
        if (!pkcs1.isEmpty()) {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(wrapRsa(pkcs1.get(0))));
        }
        if (!blocks(pem, "EC PRIVATE KEY").isEmpty()) {
            throw new InvalidKeySpecException(file + ": an EC key in SEC1 form (expected: PKCS#8; convert it with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem')");
        }
        if (pem.contains("ENCRYPTED PRIVATE KEY")) {
            throw new InvalidKeySpecException(file + ": the key is encrypted (expected: an unencrypted PEM key; "
                    + "decrypt it with 'openssl pkcs8 -in " + file + " -out key.pem')");
        }
        throw new InvalidKeySpecException(file + ": no '-----BEGIN PRIVATE KEY-----' or '-----BEGIN RSA PRIVATE "
                + "KEY-----' block (expected: a PEM private key)");
    }

    private static PrivateKey pkcs8Key(byte[] der, String file) throws GeneralSecurityException {
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // not this algorithm; try the next
            }
        }
        throw new InvalidKeySpecException(file + ": a PKCS#8 key of an algorithm other than RSA, EC or Ed25519");
    }

    /** PKCS#8 PrivateKeyInfo around a PKCS#1 RSAPrivateKey: SEQUENCE { INTEGER 0, algorithm, OCTET STRING key }. */
    static byte[] wrapRsa(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        writeLength(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        writeLength(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
    }

    /** The decoded bodies of every {@code -----BEGIN label-----} block. */
    private static List<byte[]> blocks(String pem, String label) {
        List<byte[]> blocks = new ArrayList<>();
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = 0;
        while (true) {
            int b = pem.indexOf(begin, from);
            if (b < 0) {
                return blocks;
            }
            int e = pem.indexOf(end, b + begin.length());
            if (e < 0) {
                return blocks;
            }
            String base64 = pem.substring(b + begin.length(), e).replaceAll("\\s", "");
            blocks.add(Base64.getDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII)));
            from = e + end.length();
        }
    }
}
