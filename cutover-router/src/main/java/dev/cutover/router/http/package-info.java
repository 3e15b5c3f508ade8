/**
 * HTTP/1.1 on the wire, as bytes: the router's own parser of request and response heads, the framing of chunked
 * bodies, and the limits it enforces. Nothing here allocates a header object per header: a head is copied once
 * into a byte array and indexed, and the proxy writes the heads it forwards straight from those bytes.
 *
 * <p>The parser is strict where two readers of the same bytes could disagree (the root of request smuggling):
 * one framing per message, no obsolete line folding, no whitespace before a colon, no control characters, bare
 * LF accepted only as a whole line ending. What is forwarded is always rewritten from what was parsed, with CRLF
 * line endings, so the next hop reads exactly the message the router read.
 *
 * <p>Threads: parsing is pure; the heads are immutable once parsed; {@link dev.cutover.router.http.ChunkedFraming}
 * is a per-message state machine touched by one event loop.
 */
package dev.cutover.router.http;
