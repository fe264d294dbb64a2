/**
 * The client side of the Connector API, right by default: {@link dev.gatehouse.connector.ConnectorClient}
 * discovers the hosts, keeps the AppJWT fresh (single flight, refreshed before it expires, the
 * current one kept when a refresh fails), caches each consumer's ConsumerJWS, calls the Send API
 * with the vendor's retry spacing, and recovers once from 40102 and 40103;
 * {@link dev.gatehouse.connector.WebhookVerifier} checks webhook signatures over the raw bytes and
 * parses each notification into a typed {@link dev.gatehouse.connector.Notification}.
 */
package dev.gatehouse.connector;
