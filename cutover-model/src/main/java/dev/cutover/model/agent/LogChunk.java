package dev.cutover.model.agent;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A piece of an instance's combined stdout/stderr log.
 *
 * @param text the bytes read, as UTF-8 text; ends on a line boundary unless the line exceeds the chunk size
 * @param next the offset to read from next time; offsets only grow, across rotations too
 * @param ended whether the instance is gone and nothing more will be written
 * @param times one per line of {@code text} (a final piece without a newline counts as a line): when the agent
 *              first saw the line complete in the file, accurate to the agent's marking interval (about 200ms);
 *              lines written while no agent ran get the time the next agent first saw them
 */
public record LogChunk(String text, long next, boolean ended, List<Instant> times) {

    /** One line of a chunk, without its newline. */
    public record Line(Instant time, String text) {}

    public LogChunk {
        times = times == null ? List.of() : List.copyOf(times);
    }

    /** A chunk without times. */
    public LogChunk(String text, long next, boolean ended) {
        this(text, next, ended, List.of());
    }

    /** The lines of {@code text} with their times; a line without a time (an older agent) has a null time. */
    @JsonIgnore
    public List<Line> lines() {
        List<Line> lines = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            int end = nl < 0 ? text.length() : nl;
            lines.add(new Line(i < times.size() ? times.get(i) : null, text.substring(start, end)));
            i++;
            start = nl < 0 ? text.length() : nl + 1;
        }
        return lines;
    }
}
