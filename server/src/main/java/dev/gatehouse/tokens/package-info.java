/**
 * Token formats: the AppJWT issuer and verifier (through the verifier library's rules), the ConsumerJWS issuer, claims JSON. Domain.
 */
package dev.gatehouse.tokens;
