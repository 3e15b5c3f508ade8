package dev.cutover.model.api;

import java.util.List;
import java.util.Map;

/** Sets and unsets config variables; the result is a new config revision and, when something serves, a release. */
public record ConfigChange(Map<String, String> set, List<String> unset) {
    public ConfigChange {
        set = set == null ? Map.of() : Map.copyOf(set);
        unset = unset == null ? List.of() : List.copyOf(unset);
    }
}
