/**
 * The deployment engine's pure core: a deployment's persisted state, the observations of one tick, and the planner
 * that turns them into the next state and idempotent actions. No I/O, no clock reads, no randomness: the controller's
 * loop feeds it and carries out what it returns. Not thread-aware; callers serialise ticks per deployment.
 */
package dev.cutover.engine.rollout;
