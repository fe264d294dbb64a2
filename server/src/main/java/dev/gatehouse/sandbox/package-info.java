/**
 * The Send API sandbox ({@code serve --sandbox}): conversations a connector opens and publishes to
 * on behalf of its consumers, a scripted agent that answers, and the webhook deliveries every
 * change produces, from a durable queue. No HTTP, no SQL: the endpoints and the store call in.
 */
package dev.gatehouse.sandbox;
