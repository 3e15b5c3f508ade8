package dev.cutover.server.control;

import dev.cutover.model.json.Json;
import dev.cutover.model.routing.GroupStats;
import dev.cutover.model.routing.RoutingTable;
import dev.cutover.model.routing.TargetStats;
import dev.cutover.model.routing.TrafficRouter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the newest routing table handed to the router in a file of the data directory, so that a server started after
 * a crash or a stop routes to the apps it left running from its first connection on, instead of answering 404 until
 * its control loop has adopted them and published a table of its own. The apps outlive the server; their ports do
 * too. A target that died meanwhile is met as a refused connection, which the router retries on another.
 */
public final class SavedRoutingTable implements TrafficRouter {

    private static final Logger LOG = LoggerFactory.getLogger(SavedRoutingTable.class);

    private final TrafficRouter router;
    private final Path file;
    private boolean warned;

    public SavedRoutingTable(TrafficRouter router, Path file) {
        this.router = router;
        this.file = file;
    }

    /** The table saved in {@code file}; empty when there is none or it cannot be read (said in the log). */
    public static Optional<RoutingTable> load(Path file) {
        try {
            return Optional.of(Json.mapper().readValue(Files.readAllBytes(file), RoutingTable.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot read the routing table saved in {} ({}); the router starts with none", file,
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** Hands the table to the router, then saves it (written aside and renamed: a crash leaves the old or the new). */
    @Override
    public void apply(RoutingTable table) {
        router.apply(table);
        Path next = file.resolveSibling(file.getFileName() + ".next");
        try {
            Files.write(next, Json.mapper().writeValueAsBytes(table));
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            warned = false;
        } catch (IOException e) {
            if (!warned) {
                LOG.warn("cannot save the routing table in {} ({}); after a restart the router would start without "
                        + "it", file, e.getMessage());
                warned = true;
            }
        }
    }

    @Override
    public long appliedVersion() {
        return router.appliedVersion();
    }

    @Override
    public Map<String, TargetStats> targetStats() {
        return router.targetStats();
    }

    @Override
    public Map<String, GroupStats> groupStats() {
        return router.groupStats();
    }
}
