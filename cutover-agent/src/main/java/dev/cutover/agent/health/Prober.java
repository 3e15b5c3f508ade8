package dev.cutover.agent.health;

import dev.cutover.model.manifest.HealthSpec;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Probes instances on a schedule; one shared dispatcher thread, probes on virtual threads. */
public final class Prober {

    private static final Logger log = LoggerFactory.getLogger(Prober.class);
    private static final long FIRST_PROBE_MAX_MILLIS = 250;

    private final ScheduledExecutorService scheduler;
    private final ExecutorService probes;
    private final Clock clock;

    /**
     * @param scheduler dispatches probes; never blocks in a probe
     * @param probes runs probes, normally a virtual-thread-per-task executor
     */
    public Prober(ScheduledExecutorService scheduler, ExecutorService probes, Clock clock) {
        this.scheduler = scheduler;
        this.probes = probes;
        this.clock = clock;
    }

    /** A running schedule; {@link #close()} stops it and drops any result still in flight. */
    public interface Probing extends AutoCloseable {
        @Override
        void close();
    }

    /** Probes {@code port} every {@code spec.interval()}, handing each result to {@code results}. */
    public Probing start(HealthSpec spec, int port, Consumer<ProbeResult> results) {
        return start(spec, port, Path.of("/"), Map.of(), results);
    }

    /**
     * Like {@link #start(HealthSpec, int, Consumer)}; a command probe runs in {@code workingDirectory} with exactly
     * {@code environment}.
     */
    public Probing start(HealthSpec spec, int port, Path workingDirectory, Map<String, String> environment,
            Consumer<ProbeResult> results) {
        Probe.CommandContext context = new Probe.CommandContext(workingDirectory, Map.copyOf(environment));
        AtomicBoolean inFlight = new AtomicBoolean();
        AtomicBoolean closed = new AtomicBoolean();
        long interval = spec.interval().toMillis();
        Runnable dispatch = () -> {
            if (closed.get() || !inFlight.compareAndSet(false, true)) {
                return; // the previous probe is still waiting for its timeout
            }
            try {
                probes.execute(() -> {
                    try {
                        ProbeResult r = Probe.run(spec, port, context, clock);
                        if (!closed.get()) {
                            results.accept(r);
                        }
                    } catch (RuntimeException e) {
                        log.warn("probe of port {} failed unexpectedly", port, e);
                    } finally {
                        inFlight.set(false);
                    }
                });
            } catch (RuntimeException e) {
                inFlight.set(false); // executor shut down: the agent is closing
            }
        };
        ScheduledFuture<?> task = scheduler.scheduleWithFixedDelay(
                dispatch, Math.min(interval, FIRST_PROBE_MAX_MILLIS), interval, TimeUnit.MILLISECONDS);
        return () -> {
            closed.set(true);
            task.cancel(false);
        };
    }
}
