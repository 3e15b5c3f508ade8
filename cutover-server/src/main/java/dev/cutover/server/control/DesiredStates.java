package dev.cutover.server.control;

import dev.cutover.model.agent.AgentClient;
import dev.cutover.model.agent.DesiredState;
import dev.cutover.model.agent.InstanceSpec;
import dev.cutover.model.agent.RunSpec;
import dev.cutover.model.manifest.Manifest;
import dev.cutover.model.manifest.ProcessSpec;
import dev.cutover.store.InstanceRow;
import dev.cutover.store.ReleaseRunRow;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Derives the agent's desired state from the instances wanted running and the release commands started and not yet
 * ended, and hands it over when it changed. Touched only by the control loop's thread.
 */
final class DesiredStates {

    private final AgentClient agent;
    private final ReleaseCatalog catalog;
    private List<InstanceSpec> last = null;
    private List<RunSpec> lastRuns = null;
    private long revision = 0;

    DesiredStates(AgentClient agent, ReleaseCatalog catalog) {
        this.agent = agent;
        this.catalog = catalog;
    }

    /** The newest revision handed to the agent; 0 before the first. */
    long revision() {
        return revision;
    }

    void publish(Handle h, List<InstanceRow> running, List<ReleaseRunRow> wantedRuns) {
        List<InstanceSpec> specs = new ArrayList<>(running.size());
        for (InstanceRow row : running) {
            ReleaseInfo release = catalog.get(h, row.envId(), row.release());
            specs.add(spec(row, release));
        }
        List<RunSpec> runs = new ArrayList<>(wantedRuns.size());
        for (ReleaseRunRow row : wantedRuns) {
            runs.add(runSpec(row, catalog.get(h, row.envId(), row.release())));
        }
        if (specs.equals(last) && runs.equals(lastRuns)) {
            return;
        }
        last = specs;
        lastRuns = runs;
        agent.apply(new DesiredState(++revision, specs, runs));
    }

    /** A release command runs with the new release's build and config, like its instances, but without a port. */
    static RunSpec runSpec(ReleaseRunRow row, ReleaseInfo release) {
        return new RunSpec(row.run(), release.app(), release.env(), release.number(), release.version(), row.command(),
                release.build(), release.config(), release.manifest().deploy().stopTimeout());
    }

    static InstanceSpec spec(InstanceRow row, ReleaseInfo release) {
        Manifest m = release.manifest();
        ProcessSpec process = m.processes().get(row.type());
        if (process == null) {
            throw new IllegalStateException("instance " + row.id() + " is of process type '" + row.type()
                    + "', which release v" + release.number() + " does not declare");
        }
        return new InstanceSpec(row.id(), release.app(), release.env(), release.number(), release.version(),
                row.type(), process.command(), release.build(), release.config(),
                row.type().equals(Manifest.WEB) ? m.health() : null, process.stopSignals(), m.deploy().stopTimeout());
    }
}
