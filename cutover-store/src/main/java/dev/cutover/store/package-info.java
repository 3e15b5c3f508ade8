/**
 * The controller's persistent state: the embedded SQLite database (Flyway migrations, JDBI repositories that take
 * the transaction's handle) and the content-addressed blob store for builds. Thread-safe: every call runs in its
 * own handle; SQLite serialises writers with IMMEDIATE transactions.
 */
package dev.cutover.store;
