/**
 * Accounts (a brand's site id) and their per-account consumer-id secret. Owns the account id grammar ({@link dev.gatehouse.accounts.AccountId}). Domain: may name no framework, no store, no outer layer.
 */
package dev.gatehouse.accounts;
