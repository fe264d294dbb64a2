/**
 * Operators' credentials: the bootstrap admin token and named tokens with a role ({@code admin},
 * {@code read}, {@code introspect}), stored hashed, created and revoked without a restart. Domain:
 * no framework, no store, no outer layer.
 */
package dev.gatehouse.operators;
