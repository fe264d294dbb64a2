/**
 * App installations (OAuth clients): client ids, hashed secrets with rotation and grace, scopes, enabled or not; client authentication (RFC 6749 §2.3.1). Domain: may name no framework, no store, no outer layer.
 */
package dev.gatehouse.apps;
