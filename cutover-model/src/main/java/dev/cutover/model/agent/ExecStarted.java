package dev.cutover.model.agent;

/**
 * An exec the agent started.
 *
 * @param id names the exec in {@link AgentClient#readExec} and the other exec calls
 * @param instance the instance whose release and environment it runs with
 * @param release that instance's release number
 * @param pid the exec's process (group leader)
 */
public record ExecStarted(String id, String instance, int release, long pid) {}
