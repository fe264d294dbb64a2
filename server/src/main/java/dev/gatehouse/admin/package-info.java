/**
 * The admin use cases: every admin change (accounts, apps, secrets, consumers, keys) with its rule, its audit entry and its change notice, in one place for every caller. May name the domain and {@code cluster.Topic}; not {@code http}, {@code store}, {@code cli} or any framework.
 */
package dev.gatehouse.admin;
