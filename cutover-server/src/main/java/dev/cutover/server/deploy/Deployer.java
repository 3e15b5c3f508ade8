package dev.cutover.server.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cutover.model.api.ConfigChange;
import dev.cutover.model.bundle.Bundle;
import dev.cutover.model.json.Json;
import dev.cutover.model.manifest.DeployPolicy;
import dev.cutover.model.manifest.Manifest;
import dev.cutover.model.manifest.ManifestException;
import dev.cutover.model.manifest.ManifestReader;
import dev.cutover.model.manifest.ProcessSpec;
import dev.cutover.model.name.EnvRef;
import dev.cutover.model.name.VersionLabel;
import dev.cutover.engine.rollout.Phase;
import dev.cutover.engine.rollout.ReleaseShape;
import dev.cutover.engine.rollout.RolloutState;
import dev.cutover.server.api.ApiException;
import dev.cutover.server.control.ControlLoop;
import dev.cutover.server.control.ReleaseCatalog;
import dev.cutover.server.control.ReleaseInfo;
import dev.cutover.store.BlobStore;
import dev.cutover.store.Builds;
import dev.cutover.store.Configs;
import dev.cutover.store.DeploymentInProgressException;
import dev.cutover.store.DeploymentRow;
import dev.cutover.store.Deployments;
import dev.cutover.store.EnvRow;
import dev.cutover.store.Environments;
import dev.cutover.store.Instances;
import dev.cutover.store.ReleaseRow;
import dev.cutover.store.Releases;
import dev.cutover.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;

/**
 * Starts deployments: validates what is asked, then writes the release and the deployment in one transaction, so a
 * rejected request changes nothing. The control loop takes it from there.
 */
public final class Deployer {

    private static final Pattern CONFIG_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final String ROLLING_BACK = Phase.ROLLING_BACK.word();
    private static final String SUCCEEDED = Phase.SUCCEEDED.word();

    private final Store store;
    private final BlobStore blobs;
    private final Clock clock;
    private final boolean servesHttps;

    /** @param servesHttps whether the router serves HTTPS ({@code cutover server --https-port}) */
    public Deployer(Store store, BlobStore blobs, Clock clock, boolean servesHttps) {
        this.store = store;
        this.blobs = blobs;
        this.clock = clock;
        this.servesHttps = servesHttps;
    }

    /** Deploys an uploaded build as a new release; returns the deployment's id. */
    public long deploy(EnvRef ref, String build, String version, ManifestReader.DeployOverrides overrides) {
        try {
            BlobStore.requireSha256(build);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("build", e.getMessage());
        }
        if (!blobs.has(build)) {
            throw ApiException.badRequest("build", "build: " + build + " is not uploaded (expected: PUT /api/builds/"
                    + build + " first; the CLI does this for you)");
        }
        String label = version == null || version.isBlank() ? build.substring(0, 12) : version;
        String wrong = VersionLabel.problem(label);
        if (wrong != null) {
            throw ApiException.badRequest("version", wrong);
        }
        // The release keeps its manifest as written; --strategy and --set make this deployment's policy alone, so
        // that a config change or a rollback made from the release later rolls out as the manifest says.
        Bundle.Manifests manifests = manifestsOf(build,
                overrides == null ? ManifestReader.DeployOverrides.NONE : overrides);
        Manifest written = manifests.written();
        DeployPolicy policy = manifests.deployed().deploy();
        requireServable(written);
        String manifestJson = json(written);
        String policyJson = policy == written.deploy() ? null : json(policy);
        Instant now = clock.instant();
        return store.tx(h -> {
            if (!Builds.exists(h, build)) { // deleted as no release's since the check above (BuildRetention)
                throw ApiException.badRequest("build", "build: " + build + " is not uploaded (expected: PUT "
                        + "/api/builds/" + build + " first; the CLI does this for you)");
            }
            EnvRow env = environment(h, ref, now);
            requireWebKept(h, env, ref, written);
            ReleaseRow release = Releases.create(h, env.id(), build, label, env.configRevision(), manifestJson,
                    "deploy", now);
            return start(h, env, release.number(), "deploy", policy.strategy(), Map.of(), policyJson, now);
        });
    }

    /**
     * The environment, created on first use; refused when the host the router would serve it at ({@code APP-ENV}, or
     * its preview host {@code APP-ENV-preview}) is already another environment's: {@code a-b/c} and {@code a/b-c}
     * would share one, and the router would send one's requests to the other.
     */
    static EnvRow environment(Handle h, EnvRef ref, Instant now) {
        Optional<EnvRow> existing = Environments.find(h, ref.app(), ref.env());
        if (existing.isPresent()) {
            requireNotRemoved(h, existing.get());
            return existing.get();
        }
        String label = ref.hostLabel();
        for (EnvRow other : Environments.all(h)) {
            String theirs = new EnvRef(other.app(), other.name()).hostLabel();
            String clash = label.equals(theirs) ? "its host " + label + " is already " + other.app() + "/" + other.name()
                    + "'s"
                    : label.equals(theirs + "-preview") ? "its host " + label + " is " + other.app() + "/"
                            + other.name() + "'s preview host"
                    : (label + "-preview").equals(theirs) ? "its preview host " + label + "-preview is already "
                            + other.app() + "/" + other.name() + "'s host"
                    : null;
            if (clash != null) {
                throw ApiException.badRequest("environment", ref + ": " + clash + " (expected: an app and "
                        + "environment whose APP-ENV is not another's APP-ENV or APP-ENV-preview; pick another app or "
                        + "environment name)");
            }
        }
        return Environments.findOrCreate(h, ref.app(), ref.env(), now);
    }

    /**
     * Refuses a release that would leave an environment serving web instances with none: one without a {@code web}
     * process, or with {@code instances: 0}, would take the site to 503 from its switch on, which is almost always a
     * mistake (a Procfile or manifest typo). Scaling to {@code web=0} first says it is meant.
     */
    private static void requireWebKept(Handle h, EnvRow env, EnvRef ref, Manifest next) {
        if (env.servingRelease() == null) {
            return;
        }
        int now = counts(h, ref).current().getOrDefault(ReleaseShape.WEB, 0);
        ReleaseShape after = ReleaseInfo.shapeOf(0, next).withCounts(env.formation());
        if (now == 0 || after.count(ReleaseShape.WEB) > 0) {
            return;
        }
        boolean declared = after.processes().containsKey(ReleaseShape.WEB);
        String what = declared ? "processes.web.instances: 0" : "processes.web: missing (this release has "
                + (after.processes().isEmpty() ? "no process" : "only " + String.join(", ", after.typesInOrder())) + ")";
        throw ApiException.badRequest(declared ? "processes.web.instances" : "processes.web", what + ", and " + ref
                + " serves with " + now + " web " + (now == 1 ? "instance" : "instances") + " now: it would answer 503 "
                + "from the switch on (expected: a web process with instances in cutover.yml or the Procfile; to take "
                + ref + " off the web on purpose, cutover scale " + ref + " web=0 first)");
    }

    /** Refuses a manifest that asks for what this server cannot do (for deploy and for plan). */
    public void requireServable(Manifest manifest) {
        if (manifest.routing() != null && manifest.routing().redirectHttps() && !servesHttps) {
            // every request would be sent to an HTTPS port nothing listens on
            throw ApiException.badRequest("routing.redirect-https", "routing.redirect-https: true (expected: false on "
                    + "this server, which serves no HTTPS; start cutover server with --https-port and a certificate "
                    + "first)");
        }
    }

    /**
     * Goes back to release {@code to}, or to the release that served before the current one. While a deployment of a
     * new release or config is in progress, rollback turns that deployment around instead, as a failure would: a
     * traffic-shifting one (a canary baking, blue-green keeping the old set warm) sends traffic back to the stable
     * set at once and starts no process; an in-place one (during its batches or its watch) puts the stable release
     * back by its strategy.
     */
    public long rollback(EnvRef ref, Integer to) {
        if (to != null && to < 1) {
            throw ApiException.badRequest("to", "to: " + to + " (expected: a release number of 1 or more, as cutover "
                    + "releases " + ref + " lists them)");
        }
        Instant now = clock.instant();
        return store.tx(h -> {
            EnvRow env = existing(h, ref);
            requireNotRemoved(h, env);
            Optional<DeploymentRow> running = Deployments.inProgress(h, env.id());
            if (running.isPresent()) {
                DeploymentRow d = running.get();
                if (d.kind().equals(ControlLoop.ROLLBACK)) {
                    throw ApiException.conflict("deployment " + d.id() + " of " + ref + " is a rollback to v"
                            + d.release() + " already; follow it with cutover status " + ref, d.id());
                }
                if (d.phase().equals(ROLLING_BACK)) {
                    throw ApiException.conflict("deployment " + d.id() + " of " + ref + " is rolling back to v"
                            + d.previousRelease() + " already; follow it with cutover status " + ref + ", then roll "
                            + "back further if need be", d.id());
                }
                if (d.kind().equals(ControlLoop.SCALE)) {
                    throw ApiException.conflict("deployment " + d.id() + " of " + ref + " is a scale, which has no "
                            + "release to go back from; wait for it or abort it (cutover abort " + ref + "), then roll "
                            + "back", d.id());
                }
                if (d.kind().equals(ControlLoop.REMOVE)) {
                    throw ApiException.conflict("deployment " + d.id() + " of " + ref + " removes the environment; "
                            + "cutover abort " + ref + " stops the removal and starts its instances again", d.id());
                }
                boolean toStable = to == null || to.equals(d.previousRelease());
                if (d.previousRelease() != null && toStable) {
                    Deployments.requestRollback(h, d.id());
                    return d.id();
                }
                throw ApiException.conflict(d.previousRelease() == null
                        ? "deployment " + d.id() + " is the first of " + ref + ": there is nothing to roll back to "
                                + "(cutover abort " + ref + " stops it)"
                        : "deployment " + d.id() + " of " + ref + " is in progress from v" + d.previousRelease()
                                + ": cutover rollback " + ref + " turns it back to v" + d.previousRelease() + "; to go "
                                + "to v" + to + ", wait for it to end, then roll back", d.id());
            }
            if (env.servingRelease() == null) {
                throw ApiException.conflict(ref + " has no release serving yet: there is nothing to roll back from", null);
            }
            int target;
            if (to != null) {
                ReleaseRow row = Releases.get(h, env.id(), to).orElseThrow(() -> ApiException.badRequest("to",
                        "to: v" + to + " (expected: a release of " + ref + "; see cutover releases " + ref + ")"));
                target = row.number();
                if (env.servingRelease() == target) {
                    // going "back" to what serves would replace every instance for nothing
                    throw ApiException.conflict("to: v" + target + " already serves " + ref + ": nothing to roll back"
                            + " (cutover releases " + ref + " lists the others)", null);
                }
            } else {
                target = previousServed(h, env).orElseThrow(() -> ApiException.conflict(ref
                        + " has no earlier release that served: there is nothing to roll back to", null));
            }
            ReleaseRow row = Releases.get(h, env.id(), target).orElseThrow();
            if (row.buildDeletedAt() != null) {
                throw ApiException.conflict("to: v" + target + "'s build was deleted at " + row.buildDeletedAt()
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ", since the server keeps only the builds "
                        + "of each environment's newest releases (cutover server --keep-releases); deploy that "
                        + "version's source again (cutover deploy DIR --to " + ref + " --version " + row.version()
                        + "), or roll back to a release cutover releases " + ref + " does not mark", null);
            }
            String strategy = ReleaseCatalog.parse(row).deploy().strategy();
            return start(h, env, target, ControlLoop.ROLLBACK, strategy, now);
        });
    }

    /** What a config change did: nothing, when every variable already was as asked; else a revision and maybe a roll-out. */
    public record Configuring(boolean changed, Optional<Long> deployment) {}

    /**
     * Changes config; when a release serves, rolls out a new release with the new config. A change that changes
     * nothing makes no revision and no release: rolling out the same release would restart every instance and run
     * the release command again for nothing.
     */
    public Configuring configure(EnvRef ref, ConfigChange change) {
        for (Map.Entry<String, String> e : change.set().entrySet()) {
            requireConfigKey(e.getKey());
            requireConfigValue(e.getKey(), e.getValue());
        }
        for (String key : change.unset()) {
            requireConfigKey(key);
        }
        Instant now = clock.instant();
        return store.tx(h -> {
            EnvRow env = environment(h, ref, now);
            Map<String, String> before = Configs.vars(h, env.id(), env.configRevision());
            Map<String, String> vars = new TreeMap<>(before);
            change.unset().forEach(vars::remove);
            vars.putAll(change.set());
            if (vars.equals(before)) {
                return new Configuring(false, Optional.empty());
            }
            requireConfigSize(vars);
            int revision = Configs.append(h, env, vars, now);
            if (env.servingRelease() == null) {
                return new Configuring(true, Optional.empty());
            }
            ReleaseRow serving = Releases.get(h, env.id(), env.servingRelease()).orElseThrow();
            // a release keeps its manifest as written (a deploy's --strategy and --set stay with its deployment)
            ReleaseRow release = Releases.create(h, env.id(), serving.build(), serving.version(), revision,
                    serving.manifest(), ControlLoop.CONFIG, now);
            return new Configuring(true, Optional.of(start(h, env, release.number(), ControlLoop.CONFIG,
                    ReleaseCatalog.parse(serving).deploy().strategy(), now)));
        });
    }

    /**
     * The instance counts of an environment, and the scale deployment that moves them to {@code wanted} (types not
     * named keep their count); none when every count named is already the count. A type must be one of the serving
     * release's, and a count from 0 to {@link ProcessSpec#MAX_INSTANCES}. The new counts become the environment's
     * when the deployment succeeds, and every later release runs them instead of its manifest's.
     */
    public Scaling scale(EnvRef ref, Map<String, Integer> wanted) {
        if (wanted.isEmpty()) { // a read: no write transaction, and nothing started
            return store.read(h -> {
                Counts c = counts(h, ref);
                return new Scaling(c.current(), c.current(), c.manifest(), Optional.empty());
            });
        }
        Instant now = clock.instant();
        return store.tx(h -> {
            Counts c = counts(h, ref);
            Map<String, Integer> target = new TreeMap<>(c.current());
            for (Map.Entry<String, Integer> e : new TreeMap<>(wanted).entrySet()) {
                String field = "processes." + e.getKey();
                if (!c.manifest().containsKey(e.getKey())) {
                    throw ApiException.badRequest(field, field + ": no such process type in v" + c.serving()
                            + " (expected one of: " + String.join(", ", c.manifest().keySet()) + ")");
                }
                Integer n = e.getValue();
                if (n == null || n < 0 || n > ProcessSpec.MAX_INSTANCES) {
                    throw ApiException.badRequest(field, field + ": " + n + " (expected: a whole number from 0 to "
                            + ProcessSpec.MAX_INSTANCES + ")");
                }
                target.put(e.getKey(), n);
            }
            if (target.equals(c.current()) && Deployments.inProgress(h, c.env().id()).isEmpty()) {
                return new Scaling(c.current(), target, c.manifest(), Optional.empty());
            }
            Map<String, Integer> formation = new TreeMap<>(c.env().formation());
            formation.keySet().retainAll(c.manifest().keySet());
            target.forEach((type, n) -> {
                if (!n.equals(c.current().get(type))) {
                    formation.put(type, n);
                }
            });
            long id = start(h, c.env(), c.serving(), ControlLoop.SCALE, DeployPolicy.ROLLING, formation, null, now);
            return new Scaling(c.current(), target, c.manifest(), Optional.of(id));
        });
    }

    /** An environment's counts now: its serving manifest's, with the environment's own over them. */
    private record Counts(EnvRow env, int serving, Map<String, Integer> manifest, Map<String, Integer> current) {}

    private static Counts counts(Handle h, EnvRef ref) {
        EnvRow env = existing(h, ref);
        requireNotRemoved(h, env);
        return counts(h, env);
    }

    private static Counts counts(Handle h, EnvRow env) {
        EnvRef ref = new EnvRef(env.app(), env.name());
        if (env.servingRelease() == null) {
            throw ApiException.conflict(ref + " serves no release yet: there is nothing to scale (cutover deploy "
                    + "DIR --to " + ref + " first; the manifest's processes.TYPE.instances are its counts)", null);
        }
        ReleaseRow serving = Releases.get(h, env.id(), env.servingRelease()).orElseThrow();
        ReleaseShape shape = ReleaseInfo.shapeOf(serving.number(), ReleaseCatalog.parse(serving));
        return new Counts(env, serving.number(), new TreeMap<>(shape.processes()),
                new TreeMap<>(shape.withCounts(env.formation()).processes()));
    }

    /** An environment's instance counts now and after a scale, the serving manifest's, and the scale started. */
    public record Scaling(Map<String, Integer> current, Map<String, Integer> target, Map<String, Integer> manifest,
            Optional<Long> deployment) {}

    /**
     * Removes an environment: deletes it at once when it runs nothing, else starts a deployment of kind
     * {@link ControlLoop#REMOVE} that drains and stops every instance (the control loop deletes the environment once
     * they have ended). Asked again while that deployment runs, it is the answer; refused while any other runs.
     */
    public Removal remove(EnvRef ref) {
        Instant now = clock.instant();
        return store.tx(h -> {
            EnvRow env = Environments.find(h, ref.app(), ref.env()).orElseThrow(() -> ApiException.notFound(
                    "no environment " + ref + " (cutover apps lists them)"));
            // asked again: the removal under way, or done and waiting for its instances to end, is the answer
            Optional<DeploymentRow> running = Deployments.inProgress(h, env.id());
            if (running.isPresent() && running.get().kind().equals(ControlLoop.REMOVE)) {
                return new Removal(false, running(counts(h, env).current()), Optional.of(running.get().id()));
            }
            Optional<DeploymentRow> removed = removal(h, env);
            if (removed.isPresent()) {
                return new Removal(false, Map.of(), Optional.of(removed.get().id()));
            }
            if (running.isPresent()) {
                throw ApiException.conflict("deployment " + running.get().id() + " of " + ref + " is in progress; "
                        + "wait for it (cutover status " + ref + "; when it keeps its old set warm or waits for "
                        + "approval, cutover promote " + ref + " moves it on) or abort it (cutover abort " + ref
                        + "), then remove the environment", running.get().id());
            }
            if (env.servingRelease() == null) {
                List<String> stopping = new ArrayList<>();
                Instances.runningIn(h, env.id()).forEach(i -> stopping.add(i.id()));
                Instances.endingIn(h, env.id(), now.minus(ControlLoop.RECENTLY_STOPPED)).forEach(i -> stopping.add(i.id()));
                if (!stopping.isEmpty()) {
                    throw ApiException.conflict(ref + " has instances still stopping after its failed first "
                            + "deployment (" + String.join(", ", stopping) + "); try again once they have ended "
                            + "(cutover status " + ref + " shows them)", null);
                }
                Environments.delete(h, env.id());
                return new Removal(true, Map.of(), Optional.empty());
            }
            Counts c = counts(h, env);
            Map<String, Integer> none = new TreeMap<>();
            c.manifest().keySet().forEach(type -> none.put(type, 0));
            long id = start(h, env, c.serving(), ControlLoop.REMOVE, DeployPolicy.ROLLING, none, null, now);
            return new Removal(false, running(c.current()), Optional.of(id));
        });
    }

    /** The counts that are not 0. */
    private static Map<String, Integer> running(Map<String, Integer> counts) {
        Map<String, Integer> running = new TreeMap<>(counts);
        running.values().removeIf(n -> n == 0);
        return running;
    }

    /**
     * Refuses a change to an environment whose removal has succeeded: its instances are stopping, and it is deleted
     * once they have ended. A deploy, config change, scale or rollback then would keep an environment its operator
     * was told is going.
     */
    private static void requireNotRemoved(Handle h, EnvRow env) {
        Optional<DeploymentRow> removed = removal(h, env);
        if (removed.isPresent()) {
            String ref = env.app() + "/" + env.name();
            throw ApiException.conflict(ref + " is being removed (deployment " + removed.get().id() + "): its "
                    + "instances are stopping, and it is deleted once they have ended; wait until cutover status "
                    + ref + " says there is no such environment, then deploy to start it afresh at v1",
                    removed.get().id());
        }
    }

    /** The removal that succeeded as the environment's last deployment: it is deleted once its instances ended. */
    private static Optional<DeploymentRow> removal(Handle h, EnvRow env) {
        return Deployments.latest(h, env.id()).filter(d -> d.kind().equals(ControlLoop.REMOVE)
                && d.phase().equals(SUCCEEDED));
    }

    /** What {@link #remove} did: deleted the environment, or started the deployment that stops its instances. */
    public record Removal(boolean removed, Map<String, Integer> stopping, Optional<Long> deployment) {}

    /** Asks the deployment in progress to stop and roll back. */
    public long abort(EnvRef ref) {
        return store.tx(h -> {
            EnvRow env = existing(h, ref);
            DeploymentRow running = Deployments.inProgress(h, env.id()).orElseThrow(() ->
                    ApiException.conflict("no deployment of " + ref + " is in progress", null));
            Deployments.requestAbort(h, running.id());
            return running.id();
        });
    }

    /**
     * Counts a promotion on the deployment in progress: ends a pause, a bake, an approval wait or keep-old. Only one
     * at a time, and only at such a step: a promotion kept for later, or a second one sent before the controller
     * used the first, would move a deployment past a step nobody has looked at.
     */
    public long promote(EnvRef ref) {
        return store.tx(h -> {
            DeploymentRow d = inProgress(h, ref);
            RolloutState state = d.hasState() ? ControlLoop.readState(d) : null;
            if (d.phase().equals(ROLLING_BACK)) {
                throw ApiException.conflict("nothing to promote: deployment " + d.id() + " of " + ref + " is rolling "
                        + "back to v" + d.previousRelease() + " (cutover status " + ref + " follows it)", d.id());
            }
            if (state == null || !state.step().endsOnPromote()) {
                throw ApiException.conflict("nothing to promote yet: deployment " + d.id() + " of " + ref
                        + " is not at a pause, a bake, an approval wait or keep-old (cutover status " + ref
                        + " shows its step)", d.id());
            }
            if (d.promotions() > state.promotionsSeen()) {
                throw ApiException.conflict("deployment " + d.id() + " of " + ref + " is already promoted and "
                        + (d.paused() ? "the promotion takes effect when it is resumed (cutover resume " + ref + ")"
                        : "the controller is acting on it") + "; promote again at its next pause, if it has one "
                        + "(cutover status " + ref + ")", d.id());
            }
            Deployments.promote(h, d.id());
            return d.id();
        });
    }

    /** Pauses or resumes the deployment in progress; deadlines do not run while it is paused. */
    public long pause(EnvRef ref, boolean paused) {
        return store.tx(h -> {
            DeploymentRow d = inProgress(h, ref);
            Deployments.setPaused(h, d.id(), paused);
            return d.id();
        });
    }

    private static DeploymentRow inProgress(Handle h, EnvRef ref) {
        EnvRow env = existing(h, ref);
        return Deployments.inProgress(h, env.id()).orElseThrow(() ->
                ApiException.conflict("no deployment of " + ref + " is in progress", null));
    }

    public static EnvRow existing(Handle h, EnvRef ref) {
        return Environments.find(h, ref.app(), ref.env()).orElseThrow(() -> ApiException.notFound(
                "no environment " + ref + " (deploy to it first: cutover deploy DIR --to " + ref + ")"));
    }

    private long start(Handle h, EnvRow env, int release, String kind, String strategy, Instant now) {
        return start(h, env, release, kind, strategy, Map.of(), null, now);
    }

    private long start(Handle h, EnvRow env, int release, String kind, String strategy, Map<String, Integer> formation,
            String policy, Instant now) {
        try {
            long id = Deployments.create(h, env.id(), release, env.servingRelease(), kind, strategy, "running",
                    formation, policy, now);
            if (formation.isEmpty()) {
                List<String> overridden = overridden(h, env, release);
                if (!overridden.isEmpty()) {
                    Deployments.addEvents(h, id, now, List.of("instances as set by cutover scale, not as v" + release
                            + "'s manifest says: " + String.join(", ", overridden)));
                }
            }
            return id;
        } catch (DeploymentInProgressException e) {
            String ref = env.app() + "/" + env.name();
            if (Deployments.get(h, e.running()).map(d -> d.kind().equals(ControlLoop.REMOVE)).orElse(false)) {
                throw ApiException.conflict(ref + " is being removed (deployment " + e.running() + "); cutover abort "
                        + ref + " stops the removal and starts its instances again", e.running());
            }
            throw ApiException.conflict("deployment " + e.running() + " of " + ref + " is in progress; wait for it "
                    + "(cutover status " + ref + "; when it keeps its old set warm or waits for approval, cutover "
                    + "promote " + ref + " moves it on) or abort it (cutover abort " + ref + ": it rolls back)",
                    e.running());
        }
    }

    /** {@code web 4 (manifest 2)} for each type whose count the environment sets other than the release's manifest. */
    private static List<String> overridden(Handle h, EnvRow env, int release) {
        ReleaseShape manifest = ReleaseInfo.shapeOf(release,
                ReleaseCatalog.parse(Releases.get(h, env.id(), release).orElseThrow()));
        ReleaseShape runs = manifest.withCounts(env.formation());
        return manifest.typesInOrder().stream().filter(t -> runs.count(t) != manifest.count(t))
                .map(t -> t + " " + runs.count(t) + " (manifest " + manifest.count(t) + ")").toList();
    }

    /** The release that served before the one serving now: what {@code cutover rollback} goes back to by default. */
    static Optional<Integer> previousServed(Handle h, EnvRow env) {
        List<Integer> served = h.createQuery("SELECT release FROM deployments WHERE env_id = :e AND phase = 'succeeded' "
                        + "ORDER BY id DESC")
                .bind("e", env.id()).mapTo(Integer.class).list();
        return served.stream().filter(r -> !r.equals(env.servingRelease())).findFirst();
    }

    private Bundle.Manifests manifestsOf(String build, ManifestReader.DeployOverrides overrides) {
        try (InputStream in = blobs.open(build)) {
            return Bundle.manifestsOf(in, overrides);
        } catch (ManifestException e) {
            throw ApiException.badRequest(e.field(), e.getMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("build", "build: " + build + " is not a readable .tar.gz bundle ("
                    + e.getMessage() + "); pack it with cutover deploy DIR");
        }
    }

    /** The most Linux passes to a new process in one environment string, {@code KEY=VALUE} and its NUL. */
    static final int MAX_VARIABLE_BYTES = 128 * 1024;
    /**
     * The most config an environment may have in all: Linux passes at most about 2 MiB of arguments and environment
     * to a new process (a quarter of the stack limit), and the rest is left for the command and what Cutover sets.
     */
    static final int MAX_CONFIG_BYTES = 1024 * 1024;

    private static void requireConfigValue(String key, String value) {
        if (value.indexOf('\0') >= 0) {
            throw ApiException.badRequest("config", "config " + key + ": a value with a NUL byte (expected: text "
                    + "without NUL: an environment variable ends at the first one)");
        }
        int bytes = variableBytes(key, value);
        if (bytes > MAX_VARIABLE_BYTES) {
            throw ApiException.badRequest("config", "config " + key + ": " + bytes + " bytes as " + key + "=VALUE "
                    + "(expected: at most " + MAX_VARIABLE_BYTES + ", the most Linux passes to a process in one "
                    + "environment variable; keep large data in a file and its path in config)");
        }
    }

    private static void requireConfigSize(Map<String, String> vars) {
        long bytes = 0;
        for (Map.Entry<String, String> e : vars.entrySet()) {
            bytes += variableBytes(e.getKey(), e.getValue());
        }
        if (bytes > MAX_CONFIG_BYTES) {
            throw ApiException.badRequest("config", "config: " + bytes + " bytes in all with this change (expected: at "
                    + "most " + MAX_CONFIG_BYTES + ": a new process gets at most about 2 MiB of arguments and "
                    + "environment from Linux, and its command and the variables Cutover sets need the rest; unset "
                    + "some, or keep large data in files and their paths in config)");
        }
    }

    /** {@code KEY=VALUE} and its NUL, in bytes, as the process gets it. */
    private static int variableBytes(String key, String value) {
        return key.length() + 1 + value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
    }

    private static void requireConfigKey(String key) {
        if (!CONFIG_KEY.matcher(key).matches()) {
            throw ApiException.badRequest("config", "config key: '" + key
                    + "' (expected: letters, digits and _, not starting with a digit)");
        }
        if (key.equals("PORT") || key.startsWith("CUTOVER_")) {
            throw ApiException.badRequest("config", "config key: '" + key
                    + "' (expected: not PORT and not starting with CUTOVER_: Cutover sets those itself)");
        }
    }


    private static String json(Object manifestOrPolicy) {
        try {
            return Json.mapper().writeValueAsString(manifestOrPolicy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + manifestOrPolicy.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
