package dev.cutover.model.api;

import java.util.List;

/**
 * Log text of an environment's instances since the offsets given.
 *
 * @param chunks one per instance that had something to say, or that ended
 */
public record LogView(List<Chunk> chunks) {
    public LogView {
        chunks = List.copyOf(chunks);
    }

    /** @param next pass back as the instance's offset to continue */
    public record Chunk(String instance, String type, int release, String text, long next, boolean ended) {}
}
