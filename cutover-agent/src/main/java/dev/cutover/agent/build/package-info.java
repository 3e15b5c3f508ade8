/**
 * Builds on a host: fetching a bundle once into {@code builds/SHA.tar.gz} while verifying its sha256, unpacking it
 * once, safely, into a read-only {@code releases/SHA/}, and giving each instance a writable working directory made
 * of fresh directories and hard links to the release's files.
 *
 * <p>Threading: {@link dev.cutover.agent.build.BuildCache} is safe from any thread; fetching and unpacking of one
 * build is serialised by a per-build lock, different builds proceed in parallel. Calls block on I/O and are meant for
 * virtual threads.
 */
package dev.cutover.agent.build;
