/**
 * Supervision of a host's instances and one-off runs: the reconcile loop that turns a desired state into started and
 * stopped processes, each instance's state machine (see {@link dev.cutover.model.agent.InstancePhase}), restarts with
 * backoff, the {@code state.json} that lets a restarted agent adopt the processes it left running, and runs to
 * completion (see {@link dev.cutover.model.agent.RunState}), each recorded in its own directory so that a restarted
 * agent adopts one still running, learns the exit code of one that ended, and never starts one twice.
 *
 * <p>Threading: one platform thread runs the reconcile loop; it never blocks on a process. Launching (fetching and
 * unpacking a build, starting the process) and stopping (signal, wait, escalate) run as tasks on virtual threads.
 * Exit notifications and probe results arrive on other threads. Each {@code Instance} guards its state with its own
 * monitor, holds it only briefly and never calls out while holding it except to non-blocking hand-offs; every event
 * carries the launch generation it belongs to, so that a late event from an earlier process is ignored.
 * {@code state.json} is written by the loop thread only (and once more by {@code close()} after the loop stopped);
 * a run's {@code run.json} by whichever thread changes the run, under the run's monitor.
 */
package dev.cutover.agent.supervisor;
