/**
 * End consumers: the external id rule ({@link dev.gatehouse.consumers.ExtConsumerId}), the derived stable {@code lp_consumer_id}, the write-behind registry of sightings, revocation and erasure. Domain.
 */
package dev.gatehouse.consumers;
