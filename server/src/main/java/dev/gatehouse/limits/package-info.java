/**
 * Abuse limits: brute-force lockouts and per-address budgets on every door that takes a
 * credential ({@link dev.gatehouse.limits.AuthFailureLimits}). Domain: no framework, no store, no
 * outer layer.
 */
package dev.gatehouse.limits;
