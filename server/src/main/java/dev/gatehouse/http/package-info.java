/**
 * The HTTP adapter (Vert.x): routes, request parsing, the connection guard and strict framing, rendering; each endpoint parses, calls one use case or directory, and renders. Refusals become responses in one place ({@code Refusals}, {@code HttpApi.failure}). May not name {@code cli}.
 */
package dev.gatehouse.http;
