/**
 * Many nodes on one store: change notices (PostgreSQL LISTEN/NOTIFY), periodic re-reads, store health and how stale this node's view is, rate-limited look-ups of things made on other nodes. May name {@code store}; not {@code http}, {@code cli} or the use cases.
 */
package dev.gatehouse.cluster;
