/**
 * One-off commands ({@code cutover exec}): run like an instance (its release, a fresh working directory, its
 * environment without {@code PORT}) in their own process group, output to a file read by offset, stdin an optional
 * pipe. Nothing here is adopted by a restarted agent: closing the agent kills running execs.
 *
 * <p>Threading: {@link dev.cutover.agent.exec.Execs} is thread-safe; each exec's stdin is guarded by its own lock,
 * exits arrive on the JDK's process reaper thread.
 */
package dev.cutover.agent.exec;
