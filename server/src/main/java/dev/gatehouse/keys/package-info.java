/**
 * Signing keys: generation, sealing under the master key (bound to kid, purpose, algorithm and public key), the key rings and their lifecycle (next, active, retiring, retired), rotation, the JWKS. Private key material never leaves this package. Domain.
 */
package dev.gatehouse.keys;
