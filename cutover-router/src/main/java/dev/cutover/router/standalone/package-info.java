/**
 * The standalone router ({@code cutover router --routes FILE}): {@link dev.cutover.router.standalone.RoutesFile}
 * reads the YAML routes file strictly, {@link dev.cutover.router.standalone.RoutesReloader} applies it and re-applies
 * it whole whenever its bytes change, and {@link dev.cutover.router.standalone.RouterCommand} is the picocli command.
 *
 * <p>Threads: the reloader checks the file on one scheduler thread; {@code Router.apply} is thread-safe.
 */
package dev.cutover.router.standalone;
