package dev.cutover.model.api;

/** @param to the release number to go back to; null for the one before the release serving now */
public record RollbackRequest(Integer to) {}
