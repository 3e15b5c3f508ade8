package dev.cutover.model.api;

import java.util.List;

/** An app and its environments' status lines. */
public record AppView(String name, List<EnvStatus> environments) {}
