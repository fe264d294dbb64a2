/**
 * The command line (picocli): {@code serve} and the admin API's client commands. An adapter: parses arguments, calls the server or its admin API, prints.
 */
package dev.gatehouse.cli;
