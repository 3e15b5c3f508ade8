/**
 * TLS termination: the HTTPS listener's certificates read from PEM files, the choice among them by the name a
 * client asks for (SNI, wildcards included), and their reload when the files change, without a restart and
 * without dropping a connection.
 *
 * <p>Threads: {@link dev.cutover.router.tls.CertificateStore} is built and reloaded by one background thread and
 * publishes an immutable mapping through a volatile field that every event loop reads during handshakes.
 */
package dev.cutover.router.tls;
