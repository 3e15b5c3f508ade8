/** Running a command-line command inside a test and reading what it printed: {@link dev.cutover.testkit.cli.CommandRun}. */
package dev.cutover.testkit.cli;
