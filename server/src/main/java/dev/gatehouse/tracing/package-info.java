/**
 * Optional tracing with OpenTelemetry: off (no cost beyond a volatile read) unless an OTLP endpoint
 * is given. Names no other package of ours; every layer may call it.
 */
package dev.gatehouse.tracing;
