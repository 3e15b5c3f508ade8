package dev.cutover.agent.testing;

import dev.cutover.model.agent.BuildSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory build store; it can also serve wrong bytes under a digest, as a corrupt store would. */
public final class FakeBuilds implements BuildSource {

    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    public final AtomicInteger opens = new AtomicInteger();

    /** Stores {@code bundle} under its true sha256 and returns that digest. */
    public String add(byte[] bundle) {
        String sha = TestArchives.sha256(bundle);
        blobs.put(sha, bundle);
        return sha;
    }

    /** Serves {@code bundle} when asked for {@code sha256}, whatever its real digest. */
    public void addUnder(String sha256, byte[] bundle) {
        blobs.put(sha256, bundle);
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        opens.incrementAndGet();
        byte[] b = blobs.get(sha256);
        if (b == null) {
            throw new NoSuchFileException("build " + sha256);
        }
        return new ByteArrayInputStream(b);
    }
}
