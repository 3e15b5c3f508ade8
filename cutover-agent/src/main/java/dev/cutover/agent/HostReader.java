package dev.cutover.agent;

import dev.cutover.agent.process.ProcFs;
import dev.cutover.agent.process.ProcStat;
import dev.cutover.model.agent.HostFacts;
import dev.cutover.model.agent.HostFacts.InstanceUsage;
import dev.cutover.model.agent.InstanceReport;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads {@link HostFacts} from {@code /proc} and the data directory's file system. */
final class HostReader {

    private final AgentConfig config;
    private final Instant started;
    private final long pageSize;

    HostReader(AgentConfig config, Instant started) {
        this.config = config;
        this.started = started;
        this.pageSize = pageSize();
    }

    HostFacts read(List<InstanceReport> instances) {
        long[] memory = memory();
        long diskTotal = -1;
        long diskFree = -1;
        try {
            FileStore fs = Files.getFileStore(config.dataDir());
            diskTotal = fs.getTotalSpace();
            diskFree = fs.getUsableSpace();
        } catch (IOException e) {
            // the data directory's file system does not say: leave it unknown
        }
        return new HostFacts(config.host(), config.address(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                Runtime.getRuntime().availableProcessors(), load(), memory[0], memory[1], diskTotal, diskFree,
                started, usage(instances));
    }

    /** Adds up each live instance's process group, in one pass over {@code /proc}. */
    private List<InstanceUsage> usage(List<InstanceReport> instances) {
        Map<Long, String> byGroup = new HashMap<>();
        for (InstanceReport r : instances) {
            if (r.pid() > 0 && r.phase().alive()) {
                byGroup.put(r.pid(), r.id());
            }
        }
        if (byGroup.isEmpty()) {
            return List.of();
        }
        Map<String, long[]> sums = new HashMap<>();
        for (ProcStat s : ProcFs.all()) {
            String id = byGroup.get((long) s.pgrp());
            if (id != null && !s.exited()) {
                long[] sum = sums.computeIfAbsent(id, k -> new long[3]);
                sum[0] += s.rssPages();
                sum[1] += s.cpuTicks();
                sum[2]++;
            }
        }
        List<InstanceUsage> out = new ArrayList<>(sums.size());
        for (InstanceReport r : instances) {
            long[] sum = sums.get(r.id());
            if (sum != null) {
                out.add(new InstanceUsage(r.id(), sum[0] * pageSize, sum[1] / (double) ProcFs.TICKS_PER_SECOND,
                        (int) sum[2]));
            }
        }
        return out;
    }

    private static List<Double> load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return List.of(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
        } catch (IOException | RuntimeException e) {
            return List.of(-1.0, -1.0, -1.0);
        }
    }

    /** MemTotal and MemAvailable of {@code /proc/meminfo}, in bytes; -1 for what it lacks. */
    private static long[] memory() {
        long[] out = {-1, -1};
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    out[0] = kibibytes(line);
                } else if (line.startsWith("MemAvailable:")) {
                    out[1] = kibibytes(line);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc unreadable: unknown
        }
        return out;
    }

    /** A {@code /proc} line such as {@code MemTotal:       24576000 kB}, in bytes. */
    static long kibibytes(String line) {
        String[] f = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        return Long.parseLong(f[0]) * 1024;
    }

    /** The page size, in which {@code /proc/PID/stat} counts resident memory: the first mapping of this process's. */
    private static long pageSize() {
        try (var lines = Files.lines(Path.of("/proc/self/smaps"))) {
            return lines.filter(l -> l.startsWith("KernelPageSize:")).findFirst().map(HostReader::kibibytes)
                    .orElse(4096L);
        } catch (IOException | RuntimeException e) {
            return 4096;
        }
    }
}
