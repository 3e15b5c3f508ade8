package dev.cutover.router.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Writer;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    @Test
    void aLineTheWriterCannotTakeIsDroppedAndCountedNeverWaitedFor() throws Exception {
        CountDownLatch disk = new CountDownLatch(1);
        Writer stuck = new Writer() { // a disk that does not answer
            @Override
            public void write(char[] buf, int off, int len) {
                try {
                    disk.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        AccessLog log = new AccessLog(stuck);
        try {
            for (int i = 0; i < 70_000; i++) {
                log.log("id", "10.0.0.1", "GET", "/", "shop.example.com", 200, 3, 1_000_000, "shop/production",
                        "v1", "web-1", null);
            }
            // the loop ended, so no line was waited for; the queue holds 65,536 and the writer took one batch before it got stuck: the rest were dropped
            assertThat(log.dropped()).isBetween(70_000L - 65_536 - 4096, 70_000L - 65_536);
        } finally {
            disk.countDown();
            log.close();
        }
    }
}
