package dev.cutover.router.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkedFramingTest {

    private static boolean feed(String body) throws MalformedHttpException {
        ByteBuf buf = Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII);
        try {
            ChunkedFraming framing = new ChunkedFraming();
            int end = framing.feed(buf, 0, buf.writerIndex(), null);
            assertThat(end).isEqualTo(buf.writerIndex());
            return framing.done();
        } finally {
            buf.release();
        }
    }

    @Test
    void trailersThatAreFieldsEndTheBody() throws Exception {
        assertThat(feed("5\r\nhello\r\n0\r\n\r\n")).isTrue();
        assertThat(feed("5\r\nhello\r\n0\r\nX-Checksum: abc\r\nGrpc-Status:0\r\n\r\n")).isTrue();
        assertThat(feed("0\r\nContent-Length-Checked: yes\r\n\r\n")).as("a longer name that starts alike").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 5", "transfer-encoding: chunked", "HOST: other", "Connection: close"})
    void aTrailerThatFramesOrRoutesTheMessageIsRefused(String field) {
        assertThatThrownBy(() -> feed("0\r\n" + field + "\r\n\r\n")).isInstanceOf(MalformedHttpException.class)
                .hasMessageContaining("in a trailer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"No colon here", "Bad name: x", "(x): y", ": empty name"})
    void aTrailerThatIsNotAFieldIsRefused(String line) {
        assertThatThrownBy(() -> feed("0\r\n" + line + "\r\n\r\n")).isInstanceOf(MalformedHttpException.class);
    }
}
