/**
 * Instance logs: each instance's stdout and stderr go straight from the process to {@code logs/ID.log} (the agent
 * never pipes them); this package reads them back in line-aligned chunks.
 *
 * <p>Threading: stateless, safe from any thread; reads race benignly with the writing process because a chunk ends
 * at the last complete line.
 */
package dev.cutover.agent.log;
