package dev.cutover.router.metrics;

import dev.cutover.model.routing.GroupStats;
import dev.cutover.model.routing.LatencyHistogram;
import dev.cutover.model.routing.TargetStats;
import java.util.Map;

/**
 * The router's counters in the Prometheus text exposition format (version 0.0.4), written by hand: it is a few
 * dozen lines per group, read every scrape, and needs no registry between the hot path and the text.
 *
 * <pre>
 * cutover_router_requests_total{environment,group}                 counter
 * cutover_router_responses_total{environment,group,class}          counter   class = 1xx..5xx
 * cutover_router_failures_total{environment,group,reason}          counter   reason = the failure tag
 * cutover_router_request_duration_seconds{environment,group}       histogram (_bucket{le}, _sum, _count)
 * cutover_router_in_flight_requests{environment,group}             gauge
 * cutover_router_open_connections{environment,group}               gauge
 * cutover_router_target_requests_total{instance}                   counter
 * cutover_router_target_failures_total{instance}                   counter
 * cutover_router_target_in_flight_requests{instance}               gauge
 * cutover_router_target_open_connections{instance}                 gauge
 * cutover_router_unrouted_requests_total{reason}                   counter   bad_request, no_route, ...
 * cutover_router_access_log_dropped_lines_total                    counter   only with an access log
 * </pre>
 */
public final class PrometheusText {

    private PrometheusText() {}

    /** @param accessLogDropped the access log's dropped lines; null when there is no access log */
    public static String render(Map<String, GroupStats> groups, Map<String, TargetStats> targets,
            Map<String, Long> unrouted, Long accessLogDropped) {
        StringBuilder out = new StringBuilder(4096);
        header(out, "cutover_router_requests_total", "counter", "Requests answered, by route environment and target group.");
        groups.values().forEach(g -> sample(out, "cutover_router_requests_total", labels(g), g.requests()));
        header(out, "cutover_router_responses_total", "counter", "Responses sent to clients, by status class.");
        groups.values().forEach(g -> g.responsesByClass().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sample(out, "cutover_router_responses_total",
                        labels(g) + ",class=\"" + e.getKey() + "\"", e.getValue())));
        header(out, "cutover_router_failures_total", "counter",
                "Requests the router answered itself or cut short, by reason (the X-Cutover-Error tag).");
        groups.values().forEach(g -> g.failures().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sample(out, "cutover_router_failures_total",
                        labels(g) + ",reason=\"" + escape(e.getKey()) + "\"", e.getValue())));
        header(out, "cutover_router_request_duration_seconds", "histogram",
                "From the request head read to the last byte of the response.");
        groups.values().forEach(g -> histogram(out, g));
        header(out, "cutover_router_in_flight_requests", "gauge", "Requests in flight to the group's active targets.");
        groups.values().forEach(g -> sample(out, "cutover_router_in_flight_requests", labels(g), g.inFlight()));
        header(out, "cutover_router_open_connections", "gauge", "Connections open to the group's active targets.");
        groups.values().forEach(g -> sample(out, "cutover_router_open_connections", labels(g), g.openConnections()));
        header(out, "cutover_router_target_requests_total", "counter", "Requests completed by a target.");
        targets.values().forEach(t -> sample(out, "cutover_router_target_requests_total", instance(t), t.requests()));
        header(out, "cutover_router_target_failures_total", "counter", "Failed requests and connections of a target.");
        targets.values().forEach(t -> sample(out, "cutover_router_target_failures_total", instance(t), t.failures()));
        header(out, "cutover_router_target_in_flight_requests", "gauge", "Requests in flight to a target.");
        targets.values().forEach(t -> sample(out, "cutover_router_target_in_flight_requests", instance(t), t.inFlight()));
        header(out, "cutover_router_target_open_connections", "gauge", "Connections open to a target.");
        targets.values().forEach(t -> sample(out, "cutover_router_target_open_connections", instance(t),
                t.openConnections()));
        header(out, "cutover_router_unrouted_requests_total", "counter",
                "Requests answered before a route was found, by reason.");
        unrouted.forEach((reason, count) -> sample(out, "cutover_router_unrouted_requests_total",
                "reason=\"" + escape(reason) + "\"", count));
        if (accessLogDropped != null) {
            header(out, "cutover_router_access_log_dropped_lines_total", "counter",
                    "Access log lines dropped because the disk could not keep up, or their write failed.");
            out.append("cutover_router_access_log_dropped_lines_total ").append(accessLogDropped).append('\n');
        }
        return out.toString();
    }

    private static void histogram(StringBuilder out, GroupStats g) {
        LatencyHistogram h = g.latency();
        String labels = labels(g);
        long cumulative = 0;
        for (int i = 0; i < h.upperBoundsMicros().size(); i++) {
            cumulative += h.counts().get(i);
            String le = Double.toString(h.upperBoundsMicros().get(i) / 1e6);
            sample(out, "cutover_router_request_duration_seconds_bucket", labels + ",le=\"" + le + "\"", cumulative);
        }
        sample(out, "cutover_router_request_duration_seconds_bucket", labels + ",le=\"+Inf\"", h.count());
        out.append("cutover_router_request_duration_seconds_sum{").append(labels).append("} ")
                .append(h.sumMicros() / 1e6).append('\n');
        sample(out, "cutover_router_request_duration_seconds_count", labels, h.count());
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, long value) {
        out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }

    private static String labels(GroupStats g) {
        return "environment=\"" + escape(g.environment()) + "\",group=\"" + escape(g.group()) + "\"";
    }

    private static String instance(TargetStats t) {
        return "instance=\"" + escape(t.instance()) + "\"";
    }

    /** Label values escape backslash, double quote and line feed. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
