package dev.cutover.engine.preview;

/**
 * One line of a deployment's preview.
 *
 * @param atMillis when it happens, from the start, at the earliest
 * @param what the event, as the deployment would record it
 * @param oldInstances instances of the release serving now that are running then
 * @param newInstances instances of the new release running then
 * @param newTrafficPercent the share of traffic the new release gets then
 * @param capacityPercent instances taking traffic then, relative to now (100 for a first deployment once it serves)
 */
public record PreviewStep(long atMillis, String what, int oldInstances, int newInstances, int newTrafficPercent,
        int capacityPercent) {}
