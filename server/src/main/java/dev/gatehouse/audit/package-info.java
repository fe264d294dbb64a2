/**
 * The append-only audit log of admin actions; actors are named by a digest of their credential, never the credential. Domain.
 */
package dev.gatehouse.audit;
