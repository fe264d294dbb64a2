/**
 * Gatehouse: the assembly. {@code Gatehouse} reads the configuration, builds the object graph, starts the HTTP listeners and the schedules, and stops them; it is the only class that names every layer.
 *
 * <p>Layers, from the outside in: {@code cli} and {@code http} (adapters: parse, call one use case, render) call {@code issuance} and {@code admin} (the use cases: each rule of issuing tokens and of administration, once), which call the domain ({@code keys}, {@code tokens}, {@code apps}, {@code accounts}, {@code consumers}, {@code discovery}, {@code audit}). {@code store} implements the domain's repositories over JDBC; {@code cluster} keeps a node's view in step with the store; {@code config} holds settings and the data folder. Nothing names a layer above it; {@code ArchitectureTest} enforces it.
 */
package dev.gatehouse;
