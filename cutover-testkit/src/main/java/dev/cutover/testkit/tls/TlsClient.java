package dev.cutover.testkit.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Connects over TLS to 127.0.0.1 asking for a name (SNI), trusting any certificate: the test checks it itself. */
public final class TlsClient {

    private TlsClient() {}

    /** A socket after its handshake; {@code name} null for no SNI at all. */
    public static SSLSocket connect(int port, String name) throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(name == null ? List.of() : List.of(new SNIHostName(name)));
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    /** The certificate the server presented. */
    public static X509Certificate served(SSLSocket socket) throws IOException {
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }

    /** Sends {@code request} and reads until the server closes (send {@code Connection: close}). */
    public static String exchange(SSLSocket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The DNS names of a certificate. */
    public static List<String> dnsNames(X509Certificate certificate) throws GeneralSecurityException {
        return certificate.getSubjectAlternativeNames().stream().map(n -> (String) n.get(1)).toList();
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // tests only: the client trusts the server it asked for, and checks the certificate itself
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // likewise
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
