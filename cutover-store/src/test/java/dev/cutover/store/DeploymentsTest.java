package dev.cutover.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void racingDeploysToOneEnvironmentLetExactlyOneThrough(@TempDir Path dir) throws Exception {
        Store store = Store.openEmbedded(dir);
        long env = store.tx(h -> Environments.findOrCreate(h, "shop", "production", NOW)).id();
        int racers = 16;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(racers)) {
            for (int i = 0; i < racers; i++) {
                int release = i + 1;
                results.add(pool.submit(() -> {
                    go.await();
                    return store.tx(h -> Deployments.create(h, env, release, null, "deploy", "rolling", "running", NOW));
                }));
            }
            go.countDown();
            List<Long> winners = new ArrayList<>();
            List<Long> namedAsRunning = new ArrayList<>();
            for (Future<Long> f : results) {
                try {
                    winners.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(DeploymentInProgressException.class);
                    namedAsRunning.add(((DeploymentInProgressException) e.getCause()).running());
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(namedAsRunning).hasSize(racers - 1).containsOnly(winners.get(0));
        }
        List<DeploymentRow> unfinished = store.read(h -> Deployments.unfinished(h));
        assertThat(unfinished).hasSize(1);
    }

    @Test
    void theFirstRequestToStopADeploymentIsTheOneRecordedAndNoneAfterItFinished(@TempDir Path dir) throws Exception {
        Store store = Store.openEmbedded(dir);
        long env = store.tx(h -> Environments.findOrCreate(h, "shop", "production", NOW)).id();
        long id = store.tx(h -> Deployments.create(h, env, 2, 1, "deploy", "canary", "running", NOW));
        assertThat((boolean) store.tx(h -> Deployments.requestRollback(h, id))).isTrue();
        assertThat((boolean) store.tx(h -> Deployments.requestAbort(h, id))).isTrue();
        DeploymentRow asked = store.read(h -> Deployments.unfinished(h)).get(0);
        assertThat(asked.abortRequested()).isTrue();
        assertThat(asked.rollbackRequested()).as("cutover rollback came first").isTrue();

        store.tx(h -> {
            Deployments.save(h, id, "rolled-back", "{}", NOW);
            return null;
        });
        assertThat((boolean) store.tx(h -> Deployments.requestAbort(h, id))).isFalse();
    }

    @Test
    void aFinishedDeploymentMakesRoomForTheNext(@TempDir Path dir) throws Exception {
        Store store = Store.openEmbedded(dir);
        long env = store.tx(h -> Environments.findOrCreate(h, "shop", "production", NOW)).id();
        long first = store.tx(h -> Deployments.create(h, env, 1, null, "deploy", "rolling", "running", NOW));
        assertThatThrownBy(() -> store.tx(h -> Deployments.create(h, env, 2, 1, "deploy", "rolling", "running", NOW)))
                .isInstanceOf(DeploymentInProgressException.class).hasMessage("deployment " + first + " is in progress");
        store.tx(h -> {
            Deployments.save(h, first, "succeeded", "{}", NOW);
            return null;
        });
        long second = store.tx(h -> Deployments.create(h, env, 2, 1, "deploy", "rolling", "running", NOW));
        assertThat(second).isGreaterThan(first);
    }

    @Test
    void instanceWritesAreIdempotent(@TempDir Path dir) throws Exception {
        Store store = Store.openEmbedded(dir);
        long env = store.tx(h -> Environments.findOrCreate(h, "shop", "production", NOW)).id();
        store.tx(h -> {
            Instances.launch(h, "d1-web-1", env, 1, "web", "local", NOW);
            Instances.launch(h, "d1-web-1", env, 1, "web", "local", NOW);
            Instances.setRouting(h, "d1-web-1", "ACTIVE");
            Instances.stop(h, "d1-web-1", NOW);
            Instances.stop(h, "d1-web-1", NOW);
            Instances.setRouting(h, "d1-web-1", "ACTIVE"); // a stopped instance is never routed again
            return null;
        });
        List<InstanceRow> running = store.read(Instances::running);
        assertThat(running).isEmpty();
        List<InstanceRow> recent = store.read(h -> Instances.recentIn(h, env, NOW));
        assertThat(recent).singleElement()
                .satisfies(r -> assertThat(r.routing()).isEqualTo("NONE"))
                .satisfies(r -> assertThat(r.stoppedAt()).isEqualTo(NOW))
                .satisfies(r -> assertThat(r.ended()).isNull());
        List<InstanceRow> ending = store.read(h -> Instances.endingSince(h, NOW));
        assertThat(ending).extracting(InstanceRow::id).containsExactly("d1-web-1");
        List<InstanceRow> later = store.read(h -> Instances.endingSince(h, NOW.plusSeconds(1)));
        assertThat(later).as("stopped before the window").isEmpty();
    }

    @Test
    void theFirstReportedEndOfAStoppedInstanceIsKept(@TempDir Path dir) throws Exception {
        Store store = Store.openEmbedded(dir);
        long env = store.tx(h -> Environments.findOrCreate(h, "shop", "production", NOW)).id();
        store.tx(h -> {
            Instances.launch(h, "d1-web-1", env, 1, "web", "local", NOW);
            Instances.launch(h, "d1-web-2", env, 1, "web", "local", NOW);
            Instances.ended(h, "d1-web-2", "stopped: exited with code 0"); // still wanted: not recorded
            Instances.stop(h, "d1-web-1", NOW);
            Instances.ended(h, "d1-web-1", "stopped by INT after 0.2s");
            Instances.ended(h, "d1-web-1", "not running when the agent started");
            return null;
        });
        List<InstanceRow> recent = store.read(h -> Instances.recentIn(h, env, NOW));
        assertThat(recent).extracting(InstanceRow::id, InstanceRow::ended)
                .containsExactly(tuple("d1-web-1", "stopped by INT after 0.2s"), tuple("d1-web-2", null));
        List<InstanceRow> ending = store.read(h -> Instances.endingSince(h, NOW));
        assertThat(ending).isEmpty();
    }

    @Test
    void theCountsOfAScaleAreKeptWithItsDeploymentAndTheEnvironment(@TempDir Path dir) throws Exception {
        Store store = Store.openEmbedded(dir);
        long env = store.tx(h -> Environments.findOrCreate(h, "shop", "production", NOW)).id();
        assertThat(store.read(h -> Environments.get(h, env)).formation()).as("none: the manifests' counts").isEmpty();
        long plain = store.tx(h -> Deployments.create(h, env, 1, null, "deploy", "rolling", "running", NOW));
        store.tx(h -> {
            Deployments.save(h, plain, "succeeded", "{}", NOW);
            return null;
        });
        long scale = store.tx(h -> Deployments.create(h, env, 1, 1, "scale", "rolling", "running",
                Map.of("web", 4, "worker", 0), null, NOW));
        store.tx(h -> {
            Environments.setFormation(h, env, Map.of("web", 4, "worker", 0));
            return null;
        });

        assertThat(store.read(h -> Deployments.get(h, plain)).orElseThrow().formation()).isEmpty();
        assertThat(store.read(h -> Deployments.get(h, scale)).orElseThrow().formation())
                .containsExactlyInAnyOrderEntriesOf(Map.of("web", 4, "worker", 0));
        assertThat(store.read(h -> Environments.get(h, env)).formation())
                .containsExactlyInAnyOrderEntriesOf(Map.of("web", 4, "worker", 0));
    }

    @Test
    void aDeploymentKeepsThePolicyItWasGivenAndNoneWhenItRunsTheManifests(@TempDir Path dir) throws Exception {
        Store store = Store.openEmbedded(dir);
        long env = store.tx(h -> Environments.findOrCreate(h, "shop", "production", NOW)).id();
        long given = store.tx(h -> Deployments.create(h, env, 1, null, "deploy", "canary", "running", Map.of(),
                "{\"strategy\":\"canary\"}", NOW));
        store.tx(h -> {
            Deployments.save(h, given, "succeeded", "{}", NOW);
            return null;
        });
        long plain = store.tx(h -> Deployments.create(h, env, 2, 1, "config", "rolling", "running", NOW));

        assertThat(store.read(h -> Deployments.get(h, given)).orElseThrow().policy()).isEqualTo("{\"strategy\":\"canary\"}");
        assertThat(store.read(h -> Deployments.get(h, plain)).orElseThrow().policy()).isNull();
    }

    @Test
    void deletingAnEnvironmentDeletesAllItsRecordsAndItsAppWithItsLastEnvironmentOnly(@TempDir Path dir) throws Exception {
        Store store = Store.openEmbedded(dir);
        long gone = store.tx(h -> {
            EnvRow env = Environments.findOrCreate(h, "shop", "staging", NOW);
            h.createUpdate("INSERT INTO builds (sha256, size, created_at) VALUES ('b', 1, 'x')").execute();
            Configs.append(h, env, Map.of("A", "1"), NOW);
            Releases.create(h, env.id(), "b", "v1", 1, "{}", "deploy", NOW);
            long d = Deployments.create(h, env.id(), 1, null, "deploy", "rolling", "running", NOW);
            Deployments.addEvents(h, d, NOW, List.of("started"));
            Instances.launch(h, "d1-web-1", env.id(), 1, "web", "local", NOW);
            return env.id();
        });
        long kept = store.tx(h -> Environments.findOrCreate(h, "shop", "production", NOW)).id();
        long keptDeployment = store.tx(h -> Deployments.create(h, kept, 1, null, "deploy", "rolling", "running", NOW));

        store.tx(h -> {
            Environments.delete(h, gone);
            return null;
        });
        Optional<EnvRow> found = store.read(h -> Environments.find(h, "shop", "staging"));
        assertThat(found).isEmpty();
        for (String table : List.of("deployments", "instances", "releases", "config_revisions")) {
            assertThat(count(store, "SELECT COUNT(*) FROM " + table + " WHERE env_id = " + gone)).as(table).isZero();
        }
        assertThat(count(store, "SELECT COUNT(*) FROM deployment_events")).isZero();
        Optional<DeploymentRow> other = store.read(h -> Deployments.get(h, keptDeployment));
        assertThat(other).isPresent();
        assertThat(count(store, "SELECT COUNT(*) FROM builds")).as("a build may serve other environments").isOne();
        assertThat(count(store, "SELECT COUNT(*) FROM apps")).isOne();

        store.tx(h -> {
            Deployments.save(h, keptDeployment, "succeeded", "{}", NOW);
            Environments.delete(h, kept);
            return null;
        });
        assertThat(count(store, "SELECT COUNT(*) FROM apps")).isZero();
        // the name is free again: a deploy to it starts afresh
        EnvRow again = store.tx(h -> Environments.findOrCreate(h, "shop", "staging", NOW));
        assertThat(again.id()).isNotEqualTo(gone);
    }

    @Test
    void latestFinishedFindsOnlyTheEnvironmentsWhoseLastDeploymentIsOfTheKind(@TempDir Path dir) throws Exception {
        Store store = Store.openEmbedded(dir);
        long a = store.tx(h -> Environments.findOrCreate(h, "a", "production", NOW)).id();
        long b = store.tx(h -> Environments.findOrCreate(h, "b", "production", NOW)).id();
        store.tx(h -> {
            long removed = Deployments.create(h, a, 1, 1, "remove", "rolling", "running", NOW);
            Deployments.save(h, removed, "succeeded", "{}", NOW);
            long removedThenDeployed = Deployments.create(h, b, 1, 1, "remove", "rolling", "running", NOW);
            Deployments.save(h, removedThenDeployed, "succeeded", "{}", NOW);
            Deployments.create(h, b, 2, 1, "deploy", "rolling", "running", NOW);
            return null;
        });
        List<DeploymentRow> latest = store.read(h -> Deployments.latestFinished(h, "remove"));
        assertThat(latest).extracting(DeploymentRow::envId).containsExactly(a);
    }

    private static int count(Store store, String sql) {
        return store.read(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }
}
