/**
 * JDBC repositories for H2 and PostgreSQL, the pool, the schema migrations beside them, cluster locks. Implements the domain's repository interfaces; names no adapter or use case.
 */
package dev.gatehouse.store;
