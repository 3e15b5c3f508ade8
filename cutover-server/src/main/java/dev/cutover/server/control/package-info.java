/**
 * The controller's loops: the control loop that runs the engine's planner for every unfinished deployment and
 * derives the agents' desired state and the router's table from the store. Everything here but
 * {@link dev.cutover.server.control.ReleaseCatalog} is touched by the control loop's single thread only.
 */
package dev.cutover.server.control;
