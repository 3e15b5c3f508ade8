package dev.cutover.model.agent;

import java.time.Instant;

/**
 * An agent's account of one run.
 *
 * @param state where it stands
 * @param reason a human sentence for the state, e.g. {@code exited: code 3}
 * @param pid the process group leader's pid, 0 when none runs
 * @param exitCode the command's exit code once {@code EXITED} ({@code 128 + N} when killed by signal N); null before
 *                 and in every other state
 * @param startedAt when its process started, null before
 * @param endedAt when it was seen to end, null before
 */
public record RunReport(String id, RunState state, String reason, long pid, Integer exitCode, Instant startedAt,
        Instant endedAt) {}
