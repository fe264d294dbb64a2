/**
 * The token verifier library for messaging services: {@link dev.gatehouse.verifier.ConnectorRequestVerifier}
 * decides, offline, who calls on behalf of whom from a request's AppJWT and ConsumerJWS, and never
 * throws. Keys come from a JWKS ({@link dev.gatehouse.verifier.RemoteJwks}, https, bounded,
 * refreshed in the background), a fixed set, or any {@link dev.gatehouse.verifier.VerificationKeys}.
 * The token reader ({@code CompactJws}, {@code FlatJson}, {@code Base64Url}) is strict and bounded,
 * and package-private. Depends on Nimbus JOSE+JWT and the JDK only.
 */
package dev.gatehouse.verifier;
