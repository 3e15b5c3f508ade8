package dev.cutover.testkit.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class HttpResponseReaderTest {

    private final HttpResponseReader reader = new HttpResponseReader();

    private static InputStream bytes(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void readsConsecutiveResponsesWithContentLength() throws IOException {
        InputStream in = bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nx-app-version: v1\r\n\r\nhello"
                + "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        var first = reader.read(in);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("X-App-Version")).isEqualTo("v1");
        assertThat(first.bodyPrefix()).isEqualTo("hello");
        assertThat(first.keepAlive()).isTrue();
        var second = reader.read(in);
        assertThat(second.status()).isEqualTo(404);
        assertThat(second.bodyLength()).isZero();
    }

    @Test
    void readsChunkedBodiesWithExtensionsAndTrailers() throws IOException {
        InputStream in = bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nTrailer: x\r\n\r\n"
                + "HTTP/1.1 204 No Content\r\n\r\n");
        var r = reader.read(in);
        assertThat(r.bodyPrefix()).isEqualTo("hello!");
        assertThat(r.bodyLength()).isEqualTo(6);
        assertThat(reader.read(in).status()).isEqualTo(204);
    }

    @Test
    void skipsInterimResponses() throws IOException {
        var r = reader.read(bytes("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"));
        assertThat(r.status()).isEqualTo(201);
    }

    @Test
    void knowsWhenTheConnectionEnds() throws IOException {
        assertThat(reader.read(bytes("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")).keepAlive()).isFalse();
        assertThat(reader.read(bytes("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")).keepAlive()).isFalse();
        assertThat(reader.read(bytes("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n")).keepAlive()).isTrue();
        var untilEof = reader.read(bytes("HTTP/1.1 200 OK\r\n\r\nabc"));
        assertThat(untilEof.keepAlive()).isFalse();
        assertThat(untilEof.bodyLength()).isEqualTo(3);
    }

    @Test
    void reportsTruncationAndGarbage() {
        assertThatThrownBy(() -> reader.read(bytes(""))).isInstanceOf(EOFException.class).hasMessageContaining("before any response byte");
        assertThatThrownBy(() -> reader.read(bytes("HTTP/1.1 200 OK\r\nContent-Le"))).isInstanceOf(EOFException.class).hasMessageContaining("headers");
        assertThatThrownBy(() -> reader.read(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"))).isInstanceOf(EOFException.class).hasMessageContaining("3 of 10");
        assertThatThrownBy(() -> reader.read(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"))).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader.read(bytes("hello\r\n\r\n"))).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> reader.read(bytes("HTTP/1.1 2x0 OK\r\n\r\n"))).isInstanceOf(ProtocolException.class);
        assertThatThrownBy(() -> reader.read(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))).isInstanceOf(ProtocolException.class);
    }
}
