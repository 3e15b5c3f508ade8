package dev.cutover.model.agent;

import java.util.List;

/**
 * What an agent reports: the desired revision it has applied and every instance it knows, including those still
 * stopping. An instance it stopped is reported as {@code STOPPED} until a later revision no longer names it.
 *
 * @param host the host's name, as the router reaches its instances
 * @param address the address the router connects to for this host's instances
 */
public record AgentReport(String host, String address, long appliedRevision, List<InstanceReport> instances) {
    public AgentReport {
        instances = List.copyOf(instances);
    }
}
