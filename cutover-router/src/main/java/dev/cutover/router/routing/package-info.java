/**
 * Which target a request goes to. Owns the immutable {@link dev.cutover.router.routing.RoutingSnapshot} built
 * from each applied table, the {@link dev.cutover.router.routing.LiveTarget}s shared by successive snapshots
 * (lifecycle and counters), the {@link dev.cutover.router.routing.TargetRegistry} that keeps removed targets until
 * their last request ends, and the {@link dev.cutover.router.routing.TargetPicker}.
 *
 * <p>Threads: snapshots are built by the thread calling {@code Router.apply} (one at a time) and read by every
 * event loop without locks; lifecycles are volatile, counters atomic. Public types here are internal to the
 * router module.
 */
package dev.cutover.router.routing;
