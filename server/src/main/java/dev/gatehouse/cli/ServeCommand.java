package dev.gatehouse.cli;

import dev.gatehouse.Gatehouse;
import dev.gatehouse.config.ServerConfig;
import dev.gatehouse.discovery.ServiceDirectory;
import dev.gatehouse.keys.CryptoProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatehouse serve}: runs the server until SIGTERM or SIGINT, then stops gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run the server. Every option has an environment twin, shown in brackets.")
final class ServeCommand implements Callable<Integer> {
  static final AtomicBoolean RUNNING = new AtomicBoolean();

  @Option(names = "--data", defaultValue = "${env:GATEHOUSE_DATA:-gatehouse-data}",
      description = "Data folder: embedded store, master key, admin token (GATEHOUSE_DATA). Default: ${DEFAULT-VALUE}")
  Path data;

  @Option(names = "--host", defaultValue = "${env:GATEHOUSE_HOST:-127.0.0.1}",
      description = "Address to bind (GATEHOUSE_HOST). Default: ${DEFAULT-VALUE}")
  String host;

  @Option(names = "--port", defaultValue = "${env:GATEHOUSE_PORT:-8080}",
      description = "Port; 0 picks a free one (GATEHOUSE_PORT). Default: ${DEFAULT-VALUE}")
  int port;

  @Option(names = "--public-host", defaultValue = "${env:GATEHOUSE_PUBLIC_HOST}",
      description = "HOST[:PORT] the Domain API gives for sentinel and idp (GATEHOUSE_PUBLIC_HOST). Default: the bound address")
  String publicHost;

  @Option(names = "--service", split = ",", paramLabel = "NAME=HOST[:PORT]", defaultValue = "${env:GATEHOUSE_SERVICES}",
      description = "Another service for the Domain API, repeatable (GATEHOUSE_SERVICES, comma separated)")
  List<String> services = new ArrayList<>();

  @Option(names = "--tls-cert", defaultValue = "${env:GATEHOUSE_TLS_CERT}", description = "PEM certificate chain; serves HTTPS (GATEHOUSE_TLS_CERT)")
  Path tlsCert;

  @Option(names = "--tls-key", defaultValue = "${env:GATEHOUSE_TLS_KEY}", description = "PEM private key (GATEHOUSE_TLS_KEY)")
  Path tlsKey;

  @Option(names = "--tls-self-signed", defaultValue = "${env:GATEHOUSE_TLS_SELF_SIGNED:-false}",
      description = "Serve HTTPS with a certificate generated for the public host into the data folder (GATEHOUSE_TLS_SELF_SIGNED)")
  boolean tlsSelfSigned;

  @Option(names = "--issuer", defaultValue = "${env:GATEHOUSE_ISSUER:-Sentinel}", description = "AppJWT iss (GATEHOUSE_ISSUER). Default: ${DEFAULT-VALUE}")
  String issuer;

  @Option(names = "--app-token-ttl", defaultValue = "${env:GATEHOUSE_APP_TOKEN_TTL:-3600}",
      description = "AppJWT lifetime in seconds (GATEHOUSE_APP_TOKEN_TTL). Default: ${DEFAULT-VALUE}")
  long appTokenTtl;

  @Option(names = "--key-size", defaultValue = "${env:GATEHOUSE_KEY_SIZE:-2048}",
      description = "RSA size of new signing keys: 2048, 3072 or 4096 (GATEHOUSE_KEY_SIZE). Default: ${DEFAULT-VALUE}")
  int keySize;

  @Option(names = "--alg", defaultValue = "${env:GATEHOUSE_ALG:-RS256}",
      description = "Algorithm of new signing keys: RS256 (documented) or ES256 (a departure: every verifier must accept it) (GATEHOUSE_ALG). Default: ${DEFAULT-VALUE}")
  dev.gatehouse.keys.KeyAlgorithm alg;

  @Option(names = "--key-store", defaultValue = "${env:GATEHOUSE_KEY_STORE:-software}",
      description = "Where new signing keys are made: software (sealed under the master key in the store) or pkcs11 (generated"
          + " inside a PKCS#11 token, never extractable) (GATEHOUSE_KEY_STORE). Default: ${DEFAULT-VALUE}")
  String keyStore;

  @Option(names = "--pkcs11-library", defaultValue = "${env:GATEHOUSE_PKCS11_LIBRARY}",
      description = "The token's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so (GATEHOUSE_PKCS11_LIBRARY)")
  Path pkcs11Library;

  @Option(names = "--pkcs11-token-label", defaultValue = "${env:GATEHOUSE_PKCS11_TOKEN_LABEL}",
      description = "Label of the token holding the keys; slots are found by label (GATEHOUSE_PKCS11_TOKEN_LABEL)")
  String pkcs11TokenLabel;

  @Option(names = "--pkcs11-pin-file", defaultValue = "${env:GATEHOUSE_PKCS11_PIN_FILE}",
      description = "File holding the token's user PIN, e.g. a mounted secret (GATEHOUSE_PKCS11_PIN_FILE)")
  Path pkcs11PinFile;

  @Option(names = "--pkcs11-sessions", defaultValue = "${env:GATEHOUSE_PKCS11_SESSIONS:-2}",
      description = "Signatures the token makes at once; size it to the HSM (GATEHOUSE_PKCS11_SESSIONS). Default: ${DEFAULT-VALUE}")
  int pkcs11Sessions;

  @Option(names = "--jwks-max-age", defaultValue = "${env:GATEHOUSE_JWKS_MAX_AGE:-300}",
      description = "Cache-Control max-age of the JWKS in seconds (GATEHOUSE_JWKS_MAX_AGE). Default: ${DEFAULT-VALUE}")
  long jwksMaxAge;

  @Option(names = "--db", defaultValue = "${env:GATEHOUSE_DB}",
      description = "External store, e.g. postgresql://HOST:PORT/DB?user=U (GATEHOUSE_DB). Default: embedded H2 in the data folder")
  String db;

  @Option(names = "--crypto", defaultValue = "${env:GATEHOUSE_CRYPTO:-AUTO}",
      description = "RSA provider: AUTO (ACCP, else JDK), ACCP or JDK (GATEHOUSE_CRYPTO). Default: ${DEFAULT-VALUE}")
  CryptoProvider.Choice crypto;

  @Option(names = "--event-loops", defaultValue = "${env:GATEHOUSE_EVENT_LOOPS:-0}",
      description = "HTTP event loop threads; 0 means one per core (GATEHOUSE_EVENT_LOOPS)")
  int eventLoops;

  @Option(names = "--consumer-token-cache", defaultValue = "${env:GATEHOUSE_CONSUMER_TOKEN_CACHE:-20000}",
      description = "ConsumerJWS kept for repeat consumers, in typical tokens of about 1 KB (long external ids take up to three shares); 0 turns it off (GATEHOUSE_CONSUMER_TOKEN_CACHE). Default: ${DEFAULT-VALUE}")
  long consumerTokenCache;

  @Option(names = "--app-token-cache", defaultValue = "${env:GATEHOUSE_APP_TOKEN_CACHE:-10000}",
      description = "Verified AppJWTs remembered by the IDP; 0 turns it off (GATEHOUSE_APP_TOKEN_CACHE). Default: ${DEFAULT-VALUE}")
  long appTokenCache;

  @Option(names = "--verdict-cache-mb", defaultValue = "${env:GATEHOUSE_VERDICT_CACHE_MB:-16}",
      description = "Heap for the verdicts on tokens already verified by /gateway/authorize, the sandbox and introspection, in MiB"
          + " (about 1.4 KB per ConsumerJWS; the gateway's three quarters); 0 turns it off (GATEHOUSE_VERDICT_CACHE_MB). Default: ${DEFAULT-VALUE}")
  int verdictCacheMb;

  @Option(names = "--access-log", defaultValue = "${env:GATEHOUSE_ACCESS_LOG:-false}",
      description = "Log one event per request: client address, method, path (never the query), status, bytes, duration, request id,"
          + " account, client_id, user agent (GATEHOUSE_ACCESS_LOG)")
  boolean accessLog;

  @Option(names = "--key-publication-delay", defaultValue = "${env:GATEHOUSE_KEY_PUBLICATION_DELAY:--1}",
      description = "Seconds a rotated key is published before it signs; -1 means the JWKS max-age plus 60 (GATEHOUSE_KEY_PUBLICATION_DELAY)")
  long keyPublicationDelay;

  @Option(names = "--app-key-rotation-days", defaultValue = "${env:GATEHOUSE_APP_KEY_ROTATION_DAYS:-30}",
      description = "Rotate the AppJWT key on this schedule; 0 turns it off (GATEHOUSE_APP_KEY_ROTATION_DAYS). Default: ${DEFAULT-VALUE}")
  long appKeyRotationDays;

  @Option(names = "--refresh-interval", defaultValue = "${env:GATEHOUSE_REFRESH_INTERVAL:-30}",
      description = "On PostgreSQL, read accounts, apps, keys and revocations again this often, in seconds, besides the"
          + " change notices other nodes send; 0 turns it off (GATEHOUSE_REFRESH_INTERVAL). Default: ${DEFAULT-VALUE}")
  long refreshInterval;

  @Option(names = "--admin-token-file", defaultValue = "${env:GATEHOUSE_ADMIN_TOKEN_FILE}",
      description = "File holding the admin token, e.g. a mounted secret (GATEHOUSE_ADMIN_TOKEN_FILE); else"
          + " GATEHOUSE_ADMIN_TOKEN, else DATA/admin-token, made on first start")
  java.nio.file.Path adminTokenFile;

  @Option(names = "--admin-port", defaultValue = "${env:GATEHOUSE_ADMIN_PORT}",
      description = "Serve the admin API and /metrics on a listener of their own on this port (0 = any free port);"
          + " the public port then answers 404 for them (GATEHOUSE_ADMIN_PORT)")
  Integer adminPort;

  @Option(names = "--admin-host", defaultValue = "${env:GATEHOUSE_ADMIN_HOST:-127.0.0.1}",
      description = "Address of the admin listener (GATEHOUSE_ADMIN_HOST). Default: ${DEFAULT-VALUE}")
  String adminHost;

  @Option(names = "--admin-on-public-port", defaultValue = "${env:GATEHOUSE_ADMIN_ON_PUBLIC_PORT:-false}",
      description = "Serve the admin API and /metrics on a public, non-loopback --host without a listener of their own"
          + " (GATEHOUSE_ADMIN_ON_PUBLIC_PORT)")
  boolean adminOnPublicPort;

  @Option(names = "--trusted-proxy", split = ",", paramLabel = "CIDR", defaultValue = "${env:GATEHOUSE_TRUSTED_PROXIES}",
      description = "A proxy whose X-Forwarded-For is believed for the client's address (repeatable; GATEHOUSE_TRUSTED_PROXIES, comma separated)")
  List<String> trustedProxies;

  @Option(names = "--quota-app-tokens", defaultValue = "${env:GATEHOUSE_QUOTA_APP_TOKENS:-0}",
      description = "AppJWTs one app may get per minute; 0 = no quota (GATEHOUSE_QUOTA_APP_TOKENS). Default: ${DEFAULT-VALUE}")
  int quotaAppTokens;

  @Option(names = "--quota-new-consumers", defaultValue = "${env:GATEHOUSE_QUOTA_NEW_CONSUMERS:-0}",
      description = "New consumers one app may get ConsumerJWS for per minute; 0 = no quota (GATEHOUSE_QUOTA_NEW_CONSUMERS). Default: ${DEFAULT-VALUE}")
  int quotaNewConsumers;

  @Option(names = "--max-connections", defaultValue = "${env:GATEHOUSE_MAX_CONNECTIONS:-10000}",
      description = "Open connections at most; more are closed at once (GATEHOUSE_MAX_CONNECTIONS). Default: ${DEFAULT-VALUE}")
  int maxConnections;

  @Option(names = "--header-timeout", defaultValue = "${env:GATEHOUSE_HEADER_TIMEOUT:-10}",
      description = "Seconds a new connection has to send its request headers (GATEHOUSE_HEADER_TIMEOUT). Default: ${DEFAULT-VALUE}")
  long headerTimeout;

  @Option(names = "--body-timeout", defaultValue = "${env:GATEHOUSE_BODY_TIMEOUT:-30}",
      description = "Seconds a request has to send its body after its headers (GATEHOUSE_BODY_TIMEOUT). Default: ${DEFAULT-VALUE}")
  long bodyTimeout;

  @Option(names = "--idle-timeout", defaultValue = "${env:GATEHOUSE_IDLE_TIMEOUT:-60}",
      description = "Seconds a kept-alive connection may wait for its next request (GATEHOUSE_IDLE_TIMEOUT). Default: ${DEFAULT-VALUE}")
  long idleTimeout;

  @Option(names = "--max-staleness", defaultValue = "${env:GATEHOUSE_MAX_STALENESS:-300}",
      description = "Seconds a node may go without reading the store before it stops issuing and checking tokens (503)"
          + " and reports not ready; 0 = never (GATEHOUSE_MAX_STALENESS). Default: ${DEFAULT-VALUE}")
  long maxStaleness;

  @Option(names = "--sandbox", defaultValue = "${env:GATEHOUSE_SANDBOX:-false}",
      description = "Also serve an offline Send API sandbox (CONVERSATION, SEND, webhooks, a scripted agent) for testing connectors;"
          + " never in production (GATEHOUSE_SANDBOX)")
  boolean sandbox;

  @Option(names = "--webhook-ca-file", defaultValue = "${env:GATEHOUSE_WEBHOOK_CA_FILE}",
      description = "PEM CA certificates trusted for webhook endpoints besides the JDK's trust store (GATEHOUSE_WEBHOOK_CA_FILE)")
  Path webhookCaFile;

  @Option(names = "--webhook-retry-interval", defaultValue = "${env:GATEHOUSE_WEBHOOK_RETRY_INTERVAL:-30}",
      description = "Seconds between attempts of a failed webhook delivery (GATEHOUSE_WEBHOOK_RETRY_INTERVAL). Default: ${DEFAULT-VALUE}")
  long webhookRetryInterval;

  @Option(names = "--sandbox-retention-days", defaultValue = "${env:GATEHOUSE_SANDBOX_RETENTION_DAYS:-7}",
      description = "Days sandbox conversations and finished deliveries are kept (GATEHOUSE_SANDBOX_RETENTION_DAYS). Default: ${DEFAULT-VALUE}")
  long sandboxRetentionDays;

  @Option(names = "--log-format", defaultValue = "${env:GATEHOUSE_LOG_FORMAT:-text}",
      description = "text, or json: one JSON object a line with ECS field names (GATEHOUSE_LOG_FORMAT). Default: ${DEFAULT-VALUE}")
  String logFormat;

  @Option(names = "--log-level", defaultValue = "${env:GATEHOUSE_LOG_LEVEL:-INFO}",
      description = "TRACE, DEBUG, INFO, WARN or ERROR (GATEHOUSE_LOG_LEVEL). Default: ${DEFAULT-VALUE}")
  String logLevel;

  @Option(names = "--otlp-endpoint", defaultValue = "${env:GATEHOUSE_OTLP_ENDPOINT}",
      description = "Send traces (a span per request, store call and signature) over OTLP/HTTP to this URL, e.g."
          + " http://collector:4318/v1/traces; off when not given (GATEHOUSE_OTLP_ENDPOINT)")
  String otlpEndpoint;

  @Override
  public Integer call() {
    Main.awaitLogging(); // the defaults first, then --log-format and --log-level over them
    // Not a static field: this class is loaded while logging still starts on its own thread, and
    // SLF4J hands out a stand-in logger then, which can stay silent for good if it is made just as
    // start-up finishes (the "ready on" line was lost that way about once in 40 loaded starts).
    Logger log = LoggerFactory.getLogger(ServeCommand.class);
    dev.gatehouse.config.LogSetup.apply(logFormat, logLevel);
    if (otlpEndpoint != null && !otlpEndpoint.isBlank()) {
      dev.gatehouse.tracing.Tracing.start(otlpEndpoint.trim(), Gatehouse.VERSION);
    }
    ServerConfig.Builder b = ServerConfig.builder()
        .dataDir(data).host(host).port(port).publicHost(publicHost)
        .tlsCert(tlsCert).tlsKey(tlsKey).tlsSelfSigned(tlsSelfSigned)
        .issuer(issuer).appTokenLifetimeSeconds(appTokenTtl).keyBits(keySize).algorithm(alg).jwksMaxAgeSeconds(jwksMaxAge)
        .db(db).crypto(crypto)
        .keyStore(keyStore).pkcs11Library(pkcs11Library).pkcs11TokenLabel(pkcs11TokenLabel).pkcs11PinFile(pkcs11PinFile)
        .pkcs11Sessions(pkcs11Sessions)
        .consumerTokenCacheSize(consumerTokenCache).appTokenCacheSize(appTokenCache).verdictCacheMb(verdictCacheMb).accessLog(accessLog)
        .adminPort(adminPort).adminHost(adminHost).adminOnPublicPort(adminOnPublicPort)
        .quotaAppTokensPerMinute(quotaAppTokens).quotaNewConsumersPerMinute(quotaNewConsumers)
        .maxConnections(maxConnections).headerTimeoutSeconds(headerTimeout).bodyTimeoutSeconds(bodyTimeout)
        .idleTimeoutSeconds(idleTimeout).maxStalenessSeconds(maxStaleness)
        .sandbox(sandbox).webhookCaFile(webhookCaFile).webhookRetrySeconds(webhookRetryInterval).sandboxRetentionDays(sandboxRetentionDays)
        .keyPublicationDelaySeconds(keyPublicationDelay).appKeyRotationDays(appKeyRotationDays).refreshSeconds(refreshInterval)
        .masterKey(System.getenv("GATEHOUSE_MASTER_KEY"))
        .adminToken(adminTokenFile != null ? readTokenFile(adminTokenFile) : System.getenv("GATEHOUSE_ADMIN_TOKEN"));
    for (String t : trustedProxies == null ? List.<String>of() : trustedProxies) {
      if (!t.isBlank()) {
        b.trustedProxy(t);
      }
    }
    if (eventLoops > 0) {
      b.eventLoops(eventLoops);
    }
    for (String s : services == null ? List.<String>of() : services) {
      if (!s.isBlank()) {
        Map.Entry<String, String> e = ServiceDirectory.parseEntry(s.trim());
        b.service(e.getKey(), e.getValue());
      }
    }
    Gatehouse g = Gatehouse.start(b.build());
    RUNNING.set(true);
    log.info(g.banner());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping: finishing in-flight requests");
      g.close();
      dev.gatehouse.tracing.Tracing.stop();
      log.info("stopped");
      stopped.countDown();
    }, "gatehouse-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static String readTokenFile(java.nio.file.Path f) {
    try {
      return java.nio.file.Files.readString(f).trim();
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read --admin-token-file " + f + ": " + e.getMessage());
    }
  }
}
