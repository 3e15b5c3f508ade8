package dev.cutover.model.agent;

/**
 * A piece of an instance's combined stdout/stderr log.
 *
 * @param text the bytes read, as UTF-8 text; ends on a line boundary unless the line exceeds the chunk size
 * @param next the offset to read from next time
 * @param ended whether the instance is gone and nothing more will be written
 */
public record LogChunk(String text, long next, boolean ended) {}
