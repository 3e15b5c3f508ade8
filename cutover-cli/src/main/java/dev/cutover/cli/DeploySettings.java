package dev.cutover.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code --set KEY=VALUE} arguments of {@code deploy} and {@code plan}: deploy parameters for one deployment. */
final class DeploySettings {

    private DeploySettings() {}

    /** The settings by key, in order; a malformed one, or a key given twice, is a usage error naming it. */
    static Map<String, String> parse(List<String> args) {
        Map<String, String> set = new LinkedHashMap<>();
        Map<String, String> given = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0 || arg.substring(0, eq).isBlank()) {
                throw new CliException("--set: '" + arg + "' (expected: KEY=VALUE, a deploy parameter and its value, "
                        + "e.g. percent=20 or analysis.max-error-rate=5%)", CliException.USAGE);
            }
            String key = arg.substring(0, eq).trim();
            String before = given.put(key, arg);
            if (before != null) {
                throw new CliException("--set: " + key + " given twice ('" + before + "' and '" + arg
                        + "'; expected: each parameter once)", CliException.USAGE);
            }
            set.put(key, arg.substring(eq + 1));
        }
        return set;
    }
}
