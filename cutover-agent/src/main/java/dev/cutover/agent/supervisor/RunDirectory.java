package dev.cutover.agent.supervisor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.model.agent.RunSpec;
import dev.cutover.model.agent.RunState;
import dev.cutover.model.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A run's directory, {@code runs/ID/}: its record {@code run.json}, the {@code exit} file its wrapper writes, and its
 * working directory {@code work/}. The record is written (with {@link AtomicFile}) before the process is started and
 * again once it runs, so that an agent that restarts at any point knows whether the run may have started: a run is
 * never started twice.
 *
 * <p>Why a wrapper writes the exit code: a process that outlives its agent is no longer the child of the next one,
 * which can see that it ended but not how. So the command runs under a shell that writes the command's exit status
 * to {@code exit} (through a temporary file and a rename, so the file is whole or absent) before it exits itself.
 * A run whose process is gone with no {@code exit} file was killed together with its wrapper: it is lost.
 */
final class RunDirectory {

    /**
     * What {@code run.json} keeps of a run.
     *
     * @param pid its wrapper's pid, the leader of its process group; 0 before it was started, or while it was
     *            being started
     * @param startTime {@code /proc/PID/stat} field 22 of that process
     */
    record RunRecord(RunSpec spec, long pid, long startTime, Instant startedAt, RunState state, Integer exitCode,
            Instant endedAt, String reason) {}

    private static final ObjectMapper JSON = Json.mapper();

    private final Path dir;

    RunDirectory(Path dir) {
        this.dir = dir;
    }

    Path path() {
        return dir;
    }

    Path work() {
        return dir.resolve("work");
    }

    /** The record, if one was ever written: then the run may have been started. */
    Optional<RunRecord> load() throws IOException {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(dir.resolve("run.json")), RunRecord.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    void save(RunRecord record) throws IOException {
        Files.createDirectories(dir);
        AtomicFile.write(dir.resolve("run.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
    }

    /** When the exit code was written: when the command ended, to the file system's clock. */
    Optional<Instant> exitWrittenAt() {
        try {
            return Optional.of(Files.getLastModifiedTime(dir.resolve("exit")).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The command's exit code, once its wrapper has written it. */
    Optional<Integer> exitCode() {
        try {
            return Optional.of(Integer.parseInt(Files.readString(dir.resolve("exit"), StandardCharsets.UTF_8).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // not written: the file appears whole, by a rename, or not at all
        }
    }

    /**
     * The shell line that runs {@code command} and records its exit status; it exits with that status too. The
     * command gets a shell of its own, so that nothing it does (an {@code exec}, a {@code cd}, an {@code exit})
     * keeps the wrapper from writing the file.
     */
    String wrap(String command) {
        String exit = dir.resolve("exit").toString();
        return "/bin/sh -c " + quote(command) + "; code=$?; echo \"$code\" > " + quote(exit + ".tmp") + " && mv -f "
                + quote(exit + ".tmp") + " " + quote(exit) + "; exit \"$code\"";
    }

    /** Single-quoted for {@code sh}: nothing inside is expanded. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
