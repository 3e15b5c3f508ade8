package dev.cutover.agent.supervisor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.model.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * {@code state.json}: the instances this agent runs. Written whole, to a temporary file that is fsynced and then
 * renamed over the old one, so a crash leaves either the old or the new file, never half of one. A failed save
 * throws: the caller logs it and retries.
 */
final class StateFile {

    static final int VERSION = 1;

    record Document(int version, List<InstanceRecord> instances) {}

    private final Path file;
    private final ObjectMapper mapper = Json.mapper();

    StateFile(Path file) {
        this.file = file;
    }

    List<InstanceRecord> load() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        Document doc = mapper.readValue(file.toFile(), Document.class);
        if (doc.version() != VERSION) {
            throw new IOException(file + ": version: " + doc.version() + " (expected: " + VERSION + ")");
        }
        return doc.instances() == null ? List.of() : doc.instances();
    }

    synchronized void save(List<InstanceRecord> instances) throws IOException {
        byte[] bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Document(VERSION, instances));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true); // make the rename itself durable
        } catch (IOException e) {
            // some file systems refuse to fsync a directory; the rename is still atomic
        }
    }
}
