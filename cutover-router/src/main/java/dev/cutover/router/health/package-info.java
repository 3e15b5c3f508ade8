/**
 * Passive health of targets: {@link dev.cutover.router.health.PassiveHealth} ejects a target that refuses
 * connections and readmits it after a background TCP probe connects.
 *
 * <p>Threads: the ejected flag lives on the {@code LiveTarget} (volatile, read by every event loop while picking);
 * each ejected target has one probe chain on one event loop.
 */
package dev.cutover.router.health;
