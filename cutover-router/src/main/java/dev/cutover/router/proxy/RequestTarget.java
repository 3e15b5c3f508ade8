package dev.cutover.router.proxy;

import dev.cutover.router.routing.RoutingSnapshot;

/** The routing key of a request: its host (from {@code Host}, without port, lowercase) and its path. */
final class RequestTarget {

    private RequestTarget() {}

    /** {@code Shop.Example.com:8080} becomes {@code shop.example.com}; {@code [::1]:80} becomes {@code [::1]}. */
    static String host(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String host = hostHeader.trim();
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host : host.substring(0, end + 1);
        } else {
            int colon = host.lastIndexOf(':');
            host = colon < 0 ? host : host.substring(0, colon);
        }
        return RoutingSnapshot.normalize(host);
    }

    /** The path of an origin-form or absolute-form request target, without query or fragment; {@code /} else. */
    static String path(String uri) {
        String path = uri;
        if (!path.startsWith("/")) {
            int scheme = path.indexOf("://");
            if (scheme < 0) {
                return "/";
            }
            int slash = path.indexOf('/', scheme + 3);
            if (slash < 0) {
                return "/";
            }
            path = path.substring(slash);
        }
        int end = path.length();
        int query = path.indexOf('?');
        if (query >= 0) {
            end = query;
        }
        int fragment = path.indexOf('#');
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        return path.substring(0, end);
    }
}
