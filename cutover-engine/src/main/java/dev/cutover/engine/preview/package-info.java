/**
 * Previews of deployments for {@code cutover plan}: the real planner run against a world where everything succeeds
 * as early as it can. Pure and single-threaded.
 */
package dev.cutover.engine.preview;
