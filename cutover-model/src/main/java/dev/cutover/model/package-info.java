/**
 * Cutover's shared vocabulary: names, manifest records with their validation, the routing table and the agent
 * protocol that the controller, routers and agents exchange, and the API's request and response records.
 * Everything here is an immutable value or a port interface; nothing here does I/O beyond parsing.
 */
package dev.cutover.model;
