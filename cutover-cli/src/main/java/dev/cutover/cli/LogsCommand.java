package dev.cutover.cli;

import dev.cutover.model.agent.LogChunk;
import dev.cutover.model.api.EnvStatus;
import dev.cutover.model.api.InstanceView;
import dev.cutover.model.name.EnvRef;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "logs", description = "Show the output of an environment's instances, each line prefixed with its instance.")
final class LogsCommand extends ApiCommand {

    private static final long POLL_MS = 500;
    private static final long REFRESH_MS = 2000;

    @Parameters(index = "0", paramLabel = "APP[/ENV]")
    String target;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output, including instances a deploy starts")
    boolean follow;

    @Option(names = "--instance", paramLabel = "ID", description = "Only this instance")
    String instance;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "20",
            description = "How many lines of each instance to show first (default: 20)")
    int lines;

    @Override
    int run(ApiClient api) {
        if (lines < 0) {
            throw new CliException("--lines: " + lines + " (expected: 0 or more)", CliException.USAGE);
        }
        EnvRef ref = env(target);
        Map<String, Long> offsets = new LinkedHashMap<>();
        if (instance != null) {
            // An instance asked for by id is read even when it has stopped: that is when its log matters most.
            offsets.put(instance, null);
        }
        long lastRefresh = 0;
        while (true) {
            long now = System.currentTimeMillis();
            if (instance == null && now - lastRefresh >= REFRESH_MS) {
                lastRefresh = now;
                EnvStatus status = api.get(ApiClient.envPath(ref), EnvStatus.class);
                for (InstanceView i : status.instances()) {
                    offsets.putIfAbsent(i.id(), null);
                }
            }
            for (var it = offsets.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                LogChunk chunk = read(api, e.getKey(), e.getValue());
                print(e.getKey(), chunk.text());
                e.setValue(chunk.next());
                if (chunk.ended() && follow) {
                    out().println("[" + e.getKey() + "] (ended)");
                    it.remove();
                }
            }
            out().flush();
            if (!follow || (instance != null && offsets.isEmpty())) {
                return 0;
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }
    }

    private LogChunk read(ApiClient api, String id, Long offset) {
        if (offset != null) {
            return api.get("/api/instances/" + id + "/log?offset=" + offset, LogChunk.class);
        }
        // first read: the tail, cut to the last N lines
        LogChunk tail = api.get("/api/instances/" + id + "/log?offset=-" + Math.max(4096, lines * 256L), LogChunk.class);
        String[] all = tail.text().split("\n", -1);
        int end = all.length > 0 && all[all.length - 1].isEmpty() ? all.length - 1 : all.length;
        int from = Math.max(0, end - lines);
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < end; i++) {
            sb.append(all[i]).append('\n');
        }
        return new LogChunk(sb.toString(), tail.next(), tail.ended());
    }

    private void print(String id, String text) {
        if (text.isEmpty()) {
            return;
        }
        text.lines().forEach(l -> out().println("[" + id + "] " + l));
    }
}
