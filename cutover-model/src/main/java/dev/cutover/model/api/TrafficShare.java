package dev.cutover.model.api;

/**
 * One release's part of an environment's traffic, as the router applies it now.
 *
 * @param percent the share of new requests it gets, 0 to 100: 0 for a release kept warm for a rollback, or one whose
 *                instances are all draining
 * @param targets its instances that take new requests
 */
public record TrafficShare(int release, String version, double percent, int targets) {

    /** {@code v4 10%}: how a share is written wherever one is shown. */
    public String label() {
        return label(release, percent);
    }

    /** {@code v4 10%}, {@code v3 33.3%}: a release's share of new requests, a tenth shown only when not whole. */
    public static String label(int release, double percent) {
        double tenths = Math.round(percent * 10) / 10.0;
        return "v" + release + " " + (tenths == Math.rint(tenths) ? String.valueOf((long) tenths)
                : String.valueOf(tenths)) + "%";
    }
}
