/**
 * A {@code cutover server} taking over from the one running on the same data directory, for an upgrade or a restart
 * without a moment in which the router's ports refuse connections. See {@link dev.cutover.server.handover.Takeover}.
 */
package dev.cutover.server.handover;
