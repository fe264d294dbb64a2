/**
 * Settings ({@link dev.gatehouse.config.ServerConfig}, validated once), the data folder and its file modes, logging set-up.
 */
package dev.gatehouse.config;
