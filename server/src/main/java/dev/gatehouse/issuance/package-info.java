/**
 * The issuance use cases: Sentinel's client-credentials grant ({@link dev.gatehouse.issuance.AppTokenGrant}), the IDP's ConsumerJWS grant ({@link dev.gatehouse.issuance.ConsumerTokenGrant}) and the one standing rule for every token check ({@link dev.gatehouse.issuance.CallerStanding}). Refusals are values ({@link dev.gatehouse.issuance.GrantRefused}). May name the domain and {@code cluster.MissLookups}; not {@code http}, {@code store}, {@code cli} or any framework.
 */
package dev.gatehouse.issuance;
