package dev.cutover.model.agent;

import java.util.List;

/**
 * What an agent reports: the desired revision it has applied, every instance it knows, including those still
 * stopping, and every run it knows. An instance it stopped is reported as {@code STOPPED}, its reason saying how it
 * ended, for at least a few seconds and until a later revision no longer names it; a run is reported until the
 * desired state no longer names it and its process is gone.
 *
 * @param host the host's name, as the router reaches its instances
 * @param address the address the router connects to for this host's instances
 */
public record AgentReport(String host, String address, long appliedRevision, List<InstanceReport> instances,
        List<RunReport> runs) {
    public AgentReport {
        instances = List.copyOf(instances);
        runs = runs == null ? List.of() : List.copyOf(runs);
    }
}
