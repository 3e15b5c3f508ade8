/**
 * The agent: supervises the app processes of one host to match the desired state the controller hands it, and
 * reports their phases, health and logs. {@link dev.cutover.agent.Agent} is the entry point and implements the
 * model's {@link dev.cutover.model.agent.AgentClient}; the work is done in the sub-packages: {@code build} (fetch,
 * verify, unpack), {@code process} (launch, signal, adopt, reap), {@code health} (probes), {@code supervisor} (the
 * reconcile loop and each instance's state machine) and {@code log} (reading logs back).
 *
 * <p>Threading: {@code Agent} is thread-safe; {@code apply} never blocks on processes. See the sub-packages.
 */
package dev.cutover.agent;
