/**
 * The {@code cutover} command line: picocli commands that talk to the controller's HTTP API only, and print for
 * people or, with {@code --output json}, for scripts. Exit codes: 0 done, 1 a deployment failed or rolled back,
 * 2 bad input, 3 the API refused or could not be reached.
 */
package dev.cutover.cli;
