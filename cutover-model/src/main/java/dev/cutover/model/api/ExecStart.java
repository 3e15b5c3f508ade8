package dev.cutover.model.api;

import java.util.List;

/**
 * A request to run a one-off command in an environment ({@code cutover exec}).
 *
 * @param command the program and its arguments, run without a shell
 * @param instance run like this instance; null: like an instance of the serving release (a {@code web} one first)
 * @param stdin whether the caller will send stdin
 */
public record ExecStart(List<String> command, String instance, boolean stdin) {}
