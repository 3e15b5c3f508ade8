package dev.cutover.model.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Sets and unsets config variables; the result is a new config revision and, when something serves, a release. */
public record ConfigChange(Map<String, String> set, List<String> unset) {
    public ConfigChange {
        if (set != null) {
            set.forEach((key, value) -> {
                if (value == null) {
                    throw new IllegalArgumentException("set." + key + ": null (expected: a string; to remove a "
                            + "variable, unset it)");
                }
            });
        }
        if (unset != null && unset.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("unset: a null in the list (expected: variable names)");
        }
        set = set == null ? Map.of() : Map.copyOf(set);
        unset = unset == null ? List.of() : List.copyOf(unset);
    }
}
