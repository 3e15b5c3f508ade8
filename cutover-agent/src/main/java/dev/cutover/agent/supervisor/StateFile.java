package dev.cutover.agent.supervisor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.model.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code state.json}: the instances this agent runs, written whole with {@link AtomicFile}. A failed save throws: the
 * caller logs it and retries. (Each run keeps its own record, {@link RunDirectory}.)
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
        AtomicFile.write(file,
                mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Document(VERSION, instances)));
    }
}
