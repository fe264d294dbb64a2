/**
 * The Domain API's directory: which host serves which service for an account. Domain.
 */
package dev.gatehouse.discovery;
