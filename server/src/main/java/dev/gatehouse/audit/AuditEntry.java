package dev.gatehouse.audit;

import java.time.Instant;

/**
 * One admin action: who (an id derived from the admin token, never the token), what, when, on
 * what target, and details that hold nothing secret.
 */
public record AuditEntry(long id, Instant at, String actor, String action, String target, String detail) {}
