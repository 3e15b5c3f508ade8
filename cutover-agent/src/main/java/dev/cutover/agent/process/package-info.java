/**
 * Processes on a Linux host: launching an instance under {@code setsid} so that it leads its own process group,
 * signalling that group through libc (JNA), reading {@code /proc}, adopting a process a previous agent started, and
 * reaping orphaned grandchildren without stealing the JDK's exit codes.
 *
 * <p>Threading: {@link dev.cutover.agent.process.ProcessLauncher} and {@link dev.cutover.agent.process.ProcFs} are
 * stateless and safe from any thread; {@code launch} blocks briefly (until {@code setsid} has run) and is meant for a
 * virtual thread. Exit futures of adopted processes complete on the scheduler given to the launcher. The
 * {@link dev.cutover.agent.process.Reaper} runs on that scheduler too.
 */
package dev.cutover.agent.process;
