package dev.cutover.agent.supervisor;

import dev.cutover.agent.build.BuildCache;
import dev.cutover.agent.health.Prober;
import dev.cutover.agent.process.ProcessLauncher;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.random.RandomGenerator;

/**
 * What an instance needs from its agent.
 *
 * @param tasks runs launches and stops, normally one virtual thread each
 * @param baseEnvironment the only variables an instance inherits from the agent (PATH, LANG)
 * @param changed non-blocking: tells the loop that state.json needs saving
 * @param persist blocking: saves state.json now, before a process is started, so that a restarted agent knows of
 *     every process the one before it started
 */
record Services(
        Path dataDir,
        Clock clock,
        RandomGenerator random,
        BuildCache builds,
        ProcessLauncher launcher,
        Prober prober,
        Ports ports,
        ExecutorService tasks,
        Map<String, String> baseEnvironment,
        Runnable changed,
        Runnable persist) {

    Path workingDirectory(String instanceId) {
        return dataDir.resolve("instances").resolve(instanceId);
    }

    RunDirectory runDirectory(String runId) {
        return new RunDirectory(dataDir.resolve("runs").resolve(runId));
    }

    /** Instances and runs share the log directory: a run's output is read like an instance's. */
    Path logFile(String instanceId) {
        return dataDir.resolve("logs").resolve(instanceId + ".log");
    }
}
