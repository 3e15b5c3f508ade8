package dev.cutover.router;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when a Netty buffer was dropped without being released while it ran (or shortly before: the
 * detector only sees a leak once the collector has found the buffer). Registered for every test of this module
 * through {@code META-INF/services}; it puts the detector at its strictest level, which tracks every buffer.
 *
 * <p>The router turns the detector off in production ({@link Router#LEAK_DETECTION_PROPERTY}), so this is where a
 * missing {@code release()} is caught.
 */
public final class LeakCheck implements AfterAllCallback {

    private static final List<String> leaks = new ArrayList<>();

    static {
        System.setProperty(Router.LEAK_DETECTION_PROPERTY, "paranoid");
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        // A leak is reported when a buffer is tracked after the collector has queued the lost one.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            ByteBuf probe = ByteBufAllocator.DEFAULT.directBuffer(16);
            probe.release();
        }
        List<String> found;
        synchronized (leaks) {
            found = List.copyOf(leaks);
            leaks.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError(found.size() + " leaked buffer(s) found after " + context.getDisplayName()
                    + "; where each was last touched:\n" + String.join("\n---\n", found));
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record(resourceType + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record(resourceType + " (no record of where it was used)");
        }

        private static void record(String leak) {
            synchronized (leaks) {
                leaks.add(leak);
            }
        }
    }
}
