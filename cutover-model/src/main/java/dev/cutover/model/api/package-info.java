/** Request and response bodies of the controller's HTTP API, shared by the server and the CLI. */
package dev.cutover.model.api;
