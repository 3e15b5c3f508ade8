package dev.cutover.model.api;

/**
 * One release's part of an environment's traffic, as the router applies it now.
 *
 * @param percent the share of new requests it gets, 0 to 100: 0 for a release kept warm for a rollback, or one whose
 *                instances are all draining
 * @param targets its instances that take new requests
 */
public record TrafficShare(int release, String version, double percent, int targets) {}
