package dev.cutover.cli;

import java.util.List;
import java.util.Map;

/** The {@code --set KEY=VALUE} arguments of {@code deploy} and {@code plan}: deploy parameters for one deployment. */
final class DeploySettings {

    private DeploySettings() {}

    /** The settings by key, in order; a malformed one, or a key given twice, is a usage error naming it. */
    static Map<String, String> parse(List<String> args) {
        return KeyValues.parse(args, "--set", "KEY=VALUE, a deploy parameter and its value, e.g. percent=20 or "
                + "analysis.max-error-rate=5%", "parameter");
    }
}
