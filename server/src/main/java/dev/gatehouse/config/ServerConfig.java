package dev.gatehouse.config;

import dev.gatehouse.keys.CryptoProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything {@code serve} needs, validated once by {@link Builder#build()} and then immutable.
 * Secrets given through the environment (master key, admin token) are held here only until the
 * server has read them; {@link #toString()} never shows them.
 */
public final class ServerConfig {
  public final Path dataDir;
  public final String host;
  public final int port;
  /** Null means "the bound address and port". */
  public final String publicHost;
  public final Map<String, String> services;
  public final Path tlsCert;
  public final Path tlsKey;
  public final boolean tlsSelfSigned;
  public final String issuer;
  public final long appTokenLifetimeSeconds;
  public final int keyBits;
  public final dev.gatehouse.keys.KeyAlgorithm algorithm;
  public final long jwksMaxAgeSeconds;
  /** Null means the embedded H2 store in the data folder. */
  public final String db;
  public final CryptoProvider.Choice crypto;
  final String masterKeyText;
  final String adminTokenText;
  public final int eventLoops;
  public final long consumerTokenCacheSize;
  public final long appTokenCacheSize;
  /** MiB of heap for the token verifiers' verdicts (the gateway's three quarters, the issuer side's one). */
  public final int verdictCacheMb;
  public final boolean accessLog;
  public final long keyPublicationDelaySeconds;
  public final long appKeyRotationDays;
  /** How often a node on PostgreSQL reads everything again, besides change notices (0: never). */
  public final long refreshSeconds;
  /** The admin listener's port (admin API and /metrics on their own); null: served on the public port. */
  public final Integer adminPort;
  public final String adminHost;
  public final boolean adminOnPublicPort;
  /** Proxies whose X-Forwarded-For is believed for the source address (CIDR). */
  public final java.util.List<String> trustedProxies;
  /** Per-app quotas per minute; 0: none. */
  public final int quotaAppTokensPerMinute;
  public final int quotaNewConsumersPerMinute;
  public final int maxConnections;
  public final long headerTimeoutSeconds;
  public final long bodyTimeoutSeconds;
  public final long idleTimeoutSeconds;
  /** Past this long without a successful read of the store, the node fails closed (0: never). */
  public final long maxStalenessSeconds;
  public final Clock clock;
  /** Serve the Send API sandbox (CONVERSATION, SEND, webhooks). */
  public final boolean sandbox;
  /** A PEM file of CA certificates trusted for webhook endpoints besides the JDK's; null: the JDK's alone. */
  public final Path webhookCaFile;
  /** Where new signing keys are made: null for software keys, else the PKCS#11 token. */
  public final dev.gatehouse.keys.Pkcs11Keys.Settings pkcs11;
  public final long webhookRetrySeconds;
  public final long sandboxRetentionDays;

  private ServerConfig(Builder b) {
    this.sandbox = b.sandbox;
    this.webhookCaFile = b.webhookCaFile;
    this.pkcs11 = "pkcs11".equals(b.keyStore)
        ? new dev.gatehouse.keys.Pkcs11Keys.Settings(b.pkcs11Library, b.pkcs11TokenLabel, b.pkcs11PinFile, b.pkcs11Sessions) : null;
    this.webhookRetrySeconds = b.webhookRetrySeconds;
    this.sandboxRetentionDays = b.sandboxRetentionDays;
    this.adminPort = b.adminPort;
    this.adminHost = b.adminHost;
    this.adminOnPublicPort = b.adminOnPublicPort;
    this.trustedProxies = java.util.List.copyOf(b.trustedProxies);
    this.quotaAppTokensPerMinute = b.quotaAppTokensPerMinute;
    this.quotaNewConsumersPerMinute = b.quotaNewConsumersPerMinute;
    this.maxConnections = b.maxConnections;
    this.headerTimeoutSeconds = b.headerTimeoutSeconds;
    this.bodyTimeoutSeconds = b.bodyTimeoutSeconds;
    this.idleTimeoutSeconds = b.idleTimeoutSeconds;
    this.maxStalenessSeconds = b.maxStalenessSeconds;
    this.dataDir = b.dataDir;
    this.host = b.host;
    this.port = b.port;
    this.publicHost = b.publicHost;
    this.services = Map.copyOf(b.services);
    this.tlsCert = b.tlsCert;
    this.tlsKey = b.tlsKey;
    this.tlsSelfSigned = b.tlsSelfSigned;
    this.issuer = b.issuer;
    this.appTokenLifetimeSeconds = b.appTokenLifetimeSeconds;
    this.keyBits = b.keyBits;
    this.algorithm = b.algorithm;
    this.jwksMaxAgeSeconds = b.jwksMaxAgeSeconds;
    this.db = b.db;
    this.crypto = b.crypto;
    this.masterKeyText = b.masterKeyText;
    this.adminTokenText = b.adminTokenText;
    this.eventLoops = b.eventLoops;
    this.consumerTokenCacheSize = b.consumerTokenCacheSize;
    this.appTokenCacheSize = b.appTokenCacheSize;
    this.verdictCacheMb = b.verdictCacheMb;
    this.accessLog = b.accessLog;
    this.keyPublicationDelaySeconds = b.keyPublicationDelaySeconds >= 0 ? b.keyPublicationDelaySeconds : b.jwksMaxAgeSeconds + 60;
    this.appKeyRotationDays = b.appKeyRotationDays;
    this.refreshSeconds = b.refreshSeconds;
    this.clock = b.clock;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The master key text given in the environment, or null to use the key file. */
  public String masterKeyText() {
    return masterKeyText;
  }

  /** The admin token given in the environment, or null to use the token file. */
  public String adminTokenText() {
    return adminTokenText;
  }

  public boolean tls() {
    return tlsCert != null || tlsSelfSigned;
  }

  @Override
  public String toString() {
    return "ServerConfig[data=" + dataDir + " bind=" + host + ":" + port + " tls=" + tls() + " store=" + (db == null ? "h2" : "external") + "]";
  }

  /** Collects settings; {@link #build()} checks them all and says what is wrong. */
  public static final class Builder {
    private Path dataDir = Path.of("gatehouse-data");
    private String host = "127.0.0.1";
    private int port = 8080;
    private String publicHost;
    private final Map<String, String> services = new LinkedHashMap<>();
    private Path tlsCert;
    private Path tlsKey;
    private boolean tlsSelfSigned;
    private String issuer = "Sentinel";
    private long appTokenLifetimeSeconds = 3600;
    private int keyBits = 2048;
    private dev.gatehouse.keys.KeyAlgorithm algorithm = dev.gatehouse.keys.KeyAlgorithm.RS256;
    private long jwksMaxAgeSeconds = 300;
    private String db;
    private CryptoProvider.Choice crypto = CryptoProvider.Choice.AUTO;
    private String masterKeyText;
    private String adminTokenText;
    private int eventLoops = Runtime.getRuntime().availableProcessors();
    private long consumerTokenCacheSize = 20_000;
    private long appTokenCacheSize = 10_000;
    private int verdictCacheMb = 16;
    private boolean accessLog;
    private long keyPublicationDelaySeconds = -1;
    private long appKeyRotationDays = 30;
    private long refreshSeconds = 30;
    private Clock clock = Clock.systemUTC();
    private Integer adminPort;
    private String adminHost = "127.0.0.1";
    private boolean adminOnPublicPort;
    private final java.util.List<String> trustedProxies = new java.util.ArrayList<>();
    private int quotaAppTokensPerMinute;
    private int quotaNewConsumersPerMinute;
    private int maxConnections = 10_000;
    private long headerTimeoutSeconds = 10;
    private long bodyTimeoutSeconds = 30;
    private long idleTimeoutSeconds = 60;
    private long maxStalenessSeconds = 300;

    /** A listener of its own for the admin API and /metrics (0: any free port); null: none. */
    private boolean sandbox;
    private Path webhookCaFile;
    private String keyStore = "software";
    private Path pkcs11Library;
    private String pkcs11TokenLabel;
    private Path pkcs11PinFile;
    private int pkcs11Sessions = 2;
    private long webhookRetrySeconds = 30;
    private long sandboxRetentionDays = 7;
    public Builder sandbox(boolean on) { this.sandbox = on; return this; }
    public Builder webhookCaFile(Path p) { this.webhookCaFile = p; return this; }
    /** {@code software} (default) or {@code pkcs11}. */
    public Builder keyStore(String k) { this.keyStore = k; return this; }
    public Builder pkcs11(Path library, String tokenLabel, Path pinFile) {
      this.keyStore = "pkcs11";
      this.pkcs11Library = library;
      this.pkcs11TokenLabel = tokenLabel;
      this.pkcs11PinFile = pinFile;
      return this;
    }
    public Builder pkcs11Library(Path p) { this.pkcs11Library = p; return this; }
    public Builder pkcs11TokenLabel(String l) { this.pkcs11TokenLabel = l; return this; }
    public Builder pkcs11PinFile(Path p) { this.pkcs11PinFile = p; return this; }
    public Builder pkcs11Sessions(int n) { this.pkcs11Sessions = n; return this; }
    public Builder webhookRetrySeconds(long s) { this.webhookRetrySeconds = s; return this; }
    public Builder sandboxRetentionDays(long d) { this.sandboxRetentionDays = d; return this; }
    public Builder adminPort(Integer p) { this.adminPort = p; return this; }
    public Builder adminHost(String h) { this.adminHost = h == null || h.isBlank() ? "127.0.0.1" : h.trim(); return this; }
    public Builder adminOnPublicPort(boolean on) { this.adminOnPublicPort = on; return this; }
    public Builder trustedProxy(String cidr) { this.trustedProxies.add(cidr.trim()); return this; }
    public Builder quotaAppTokensPerMinute(int n) { this.quotaAppTokensPerMinute = n; return this; }
    public Builder quotaNewConsumersPerMinute(int n) { this.quotaNewConsumersPerMinute = n; return this; }
    public Builder maxConnections(int n) { this.maxConnections = n; return this; }
    public Builder headerTimeoutSeconds(long s) { this.headerTimeoutSeconds = s; return this; }
    public Builder bodyTimeoutSeconds(long s) { this.bodyTimeoutSeconds = s; return this; }
    public Builder idleTimeoutSeconds(long s) { this.idleTimeoutSeconds = s; return this; }
    /** 0 turns fail-closed on a stale view off. */
    public Builder maxStalenessSeconds(long s) { this.maxStalenessSeconds = s; return this; }
    public Builder dataDir(Path p) { this.dataDir = p; return this; }
    public Builder host(String h) { this.host = h; return this; }
    public Builder port(int p) { this.port = p; return this; }
    public Builder publicHost(String h) { this.publicHost = blankToNull(h); return this; }
    public Builder service(String name, String host) { this.services.put(name, host); return this; }
    public Builder tlsCert(Path p) { this.tlsCert = p; return this; }
    public Builder tlsKey(Path p) { this.tlsKey = p; return this; }
    public Builder tlsSelfSigned(boolean b) { this.tlsSelfSigned = b; return this; }
    public Builder issuer(String s) { this.issuer = s; return this; }
    public Builder appTokenLifetimeSeconds(long s) { this.appTokenLifetimeSeconds = s; return this; }
    public Builder keyBits(int b) { this.keyBits = b; return this; }
    public Builder algorithm(dev.gatehouse.keys.KeyAlgorithm a) { this.algorithm = a; return this; }
    public Builder jwksMaxAgeSeconds(long s) { this.jwksMaxAgeSeconds = s; return this; }
    public Builder db(String url) { this.db = blankToNull(url); return this; }
    public Builder crypto(CryptoProvider.Choice c) { this.crypto = c; return this; }
    public Builder masterKey(String text) { this.masterKeyText = blankToNull(text); return this; }
    public Builder adminToken(String text) { this.adminTokenText = blankToNull(text); return this; }
    public Builder eventLoops(int n) { this.eventLoops = n; return this; }
    public Builder clock(Clock c) { this.clock = c; return this; }
    public Builder consumerTokenCacheSize(long n) { this.consumerTokenCacheSize = n; return this; }
    public Builder appTokenCacheSize(long n) { this.appTokenCacheSize = n; return this; }
    public Builder verdictCacheMb(int mb) { this.verdictCacheMb = mb; return this; }
    public Builder accessLog(boolean on) { this.accessLog = on; return this; }
    /** Negative: the JWKS max-age plus 60 s. */
    public Builder keyPublicationDelaySeconds(long s) { this.keyPublicationDelaySeconds = s; return this; }
    /** 0 turns scheduled AppJWT key rotation off. */
    public Builder appKeyRotationDays(long d) { this.appKeyRotationDays = d; return this; }
    /** 0 turns the periodic re-read off (change notices still work). */
    public Builder refreshSeconds(long s) { this.refreshSeconds = s; return this; }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s.trim();
    }

    /** @throws IllegalArgumentException naming the first setting that is wrong */
    public ServerConfig build() {
      require(dataDir != null, "--data must name a folder");
      require(host != null && !host.isBlank(), "--host must not be empty");
      require(port >= 0 && port <= 65535, "--port must be 0..65535, got " + port);
      require((tlsCert == null) == (tlsKey == null), "--tls-cert and --tls-key go together");
      require(!(tlsSelfSigned && tlsCert != null), "--tls-self-signed and --tls-cert exclude each other");
      require(issuer != null && !issuer.isBlank(), "--issuer must not be empty");
      require(appTokenLifetimeSeconds >= 60 && appTokenLifetimeSeconds <= 86_400,
          "--app-token-ttl must be 60..86400 seconds, got " + appTokenLifetimeSeconds);
      require(keyBits == 2048 || keyBits == 3072 || keyBits == 4096, "--key-size must be 2048, 3072 or 4096, got " + keyBits);
      require(jwksMaxAgeSeconds >= 0 && jwksMaxAgeSeconds <= 86_400, "--jwks-max-age must be 0..86400 seconds, got " + jwksMaxAgeSeconds);
      require(eventLoops >= 1 && eventLoops <= 256, "--event-loops must be 1..256, got " + eventLoops);
      require(consumerTokenCacheSize >= 0 && consumerTokenCacheSize <= 10_000_000,
          "--consumer-token-cache must be 0..10000000 entries, got " + consumerTokenCacheSize);
      require(appTokenCacheSize >= 0 && appTokenCacheSize <= 10_000_000,
          "--app-token-cache must be 0..10000000 entries, got " + appTokenCacheSize);
      require(verdictCacheMb >= 0 && verdictCacheMb <= 65_536, "--verdict-cache-mb must be 0..65536 MiB, got " + verdictCacheMb);
      require(appKeyRotationDays >= 0 && appKeyRotationDays <= 3650, "--app-key-rotation-days must be 0..3650, got " + appKeyRotationDays);
      require(keyPublicationDelaySeconds <= 7 * 86_400, "--key-publication-delay must be at most 604800 seconds, got " + keyPublicationDelaySeconds);
      require(refreshSeconds >= 0 && refreshSeconds <= 86_400, "--refresh-interval must be 0..86400 seconds, got " + refreshSeconds);
      require(adminPort == null || (adminPort >= 0 && adminPort <= 65535), "--admin-port must be 0..65535, got " + adminPort);
      require(adminPort == null || adminPort == 0 || port == 0 || !adminPort.equals(port) || !adminHost.equals(host),
          "--admin-port must differ from --port");
      require(adminPort != null || adminOnPublicPort || dev.gatehouse.verifier.LoopbackHost.is(host),
          "--host " + host + " would serve the admin API and /metrics to everyone who reaches that address: give --admin-port"
              + " (and --admin-host) for a listener of their own, or --admin-on-public-port to accept that");
      for (String t : trustedProxies) {
        require(t.matches("[0-9a-fA-F:.]+(/\\d{1,3})?"), "--trusted-proxy must be ADDRESS[/BITS], got " + t);
      }
      require(quotaAppTokensPerMinute >= 0 && quotaNewConsumersPerMinute >= 0, "quotas must be 0 (none) or more");
      require(maxConnections >= 16 && maxConnections <= 1_000_000, "--max-connections must be 16..1000000, got " + maxConnections);
      require(headerTimeoutSeconds >= 1 && headerTimeoutSeconds <= 600, "--header-timeout must be 1..600 seconds, got " + headerTimeoutSeconds);
      require(bodyTimeoutSeconds >= 1 && bodyTimeoutSeconds <= 600, "--body-timeout must be 1..600 seconds, got " + bodyTimeoutSeconds);
      require(idleTimeoutSeconds >= 1 && idleTimeoutSeconds <= 3600, "--idle-timeout must be 1..3600 seconds, got " + idleTimeoutSeconds);
      require(maxStalenessSeconds >= 0 && maxStalenessSeconds <= 30L * 86_400, "--max-staleness must be 0..2592000 seconds, got " + maxStalenessSeconds);
      require(webhookRetrySeconds >= 1 && webhookRetrySeconds <= 3600, "--webhook-retry-interval must be 1..3600 seconds, got " + webhookRetrySeconds);
      require(sandboxRetentionDays >= 1 && sandboxRetentionDays <= 3650, "--sandbox-retention-days must be 1..3650, got " + sandboxRetentionDays);
      require("software".equals(keyStore) || "pkcs11".equals(keyStore), "--key-store must be software or pkcs11, got " + keyStore);
      if ("pkcs11".equals(keyStore)) {
        require(pkcs11Library != null && pkcs11TokenLabel != null && !pkcs11TokenLabel.isBlank() && pkcs11PinFile != null,
            "--key-store pkcs11 needs --pkcs11-library, --pkcs11-token-label and --pkcs11-pin-file");
        require(pkcs11Sessions >= 1 && pkcs11Sessions <= 64, "--pkcs11-sessions must be 1..64, got " + pkcs11Sessions);
      } else {
        require(pkcs11Library == null && pkcs11TokenLabel == null && pkcs11PinFile == null,
            "--pkcs11-library, --pkcs11-token-label and --pkcs11-pin-file need --key-store pkcs11");
      }
      require(webhookCaFile == null || java.nio.file.Files.isReadable(webhookCaFile), "--webhook-ca-file " + webhookCaFile + " is not a readable file");
      require(adminTokenText == null || AdminTokenRule.problem(adminTokenText) == null,
          "the admin token (GATEHOUSE_ADMIN_TOKEN or --admin-token-file): " + (adminTokenText == null ? "" : AdminTokenRule.problem(adminTokenText)));
      return new ServerConfig(this);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
