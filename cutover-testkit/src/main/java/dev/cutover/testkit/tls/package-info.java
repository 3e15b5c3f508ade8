/**
 * TLS for tests: certificates made with the openssl command as an operator makes them, and a client that connects
 * with a chosen SNI name and trusts whatever the server presents (the tests check the certificate themselves).
 */
package dev.cutover.testkit.tls;
