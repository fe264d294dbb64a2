package dev.gatehouse;

import dev.gatehouse.accounts.AccountDirectory;
import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.apps.ClientSecrets;
import dev.gatehouse.cluster.ClusterSync;
import dev.gatehouse.cluster.Topic;
import dev.gatehouse.config.DataFolder;
import dev.gatehouse.consumers.ConsumerRegistry;
import dev.gatehouse.config.ServerConfig;
import dev.gatehouse.discovery.ServiceDirectory;
import dev.gatehouse.http.HttpApi;
import dev.gatehouse.http.HttpListener;
import dev.gatehouse.keys.CryptoProvider;
import dev.gatehouse.keys.KeyRotation;
import dev.gatehouse.keys.KeyVault;
import dev.gatehouse.keys.MasterKey;
import dev.gatehouse.keys.SelfSignedCertificate;
import dev.gatehouse.keys.SigningKeys;
import dev.gatehouse.store.Database;
import dev.gatehouse.store.JdbcAccountRepository;
import dev.gatehouse.store.JdbcAppRepository;
import dev.gatehouse.store.JdbcSigningKeyRepository;
import dev.gatehouse.tokens.AppTokenIssuer;
import dev.gatehouse.tokens.AppTokenVerifier;
import dev.gatehouse.tokens.ConsumerTokenIssuer;
import dev.gatehouse.tokens.ServerVerificationKeys;
import dev.gatehouse.verifier.ConnectorRequestVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Gatehouse server: the one place where configuration becomes objects. Reads the data
 * folder, opens the store, loads or creates the keys, starts the HTTP server, and stops it all
 * gracefully.
 *
 * <p>Design note: this is the assembly, so it names every layer, and its length is the length of
 * the object graph (one constructor call per part) plus the lifecycle. The order is the point:
 * work that needs nothing from the store (loading the native crypto provider, Vert.x, metrics, and
 * on a first start the first key pairs) runs in parallel with opening and migrating the store; the
 * keys are loaded under the cluster lock (nodes starting together make first keys once); {@link
 * ClusterSync} is made before the parts that announce changes through it and started after them,
 * so nothing is bound late; the HTTP listener comes last and readiness is set only once it listens.
 * Closing runs the other way: readiness off, schedules stopped, requests in flight finished, the
 * consumer records still queued written, the store closed.
 */
public final class Gatehouse implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gatehouse.class);
  public static final String VERSION = "0.1.0";

  private final Vertx vertx;
  private final HttpListener listener;
  /** The admin API and /metrics, when apart from the public listener; null otherwise. */
  private final HttpListener adminListener;
  private final String adminHost;
  private final Database db;
  private final DataFolder data;
  private final boolean tls;
  private final String bindHost;
  private final Path tlsCertificate;
  private final CryptoProvider crypto;
  private boolean adminTokenFromEnvironment;
  /** Ready to serve: set once started, cleared when closing (the readiness probe reads it). */
  private final java.util.concurrent.atomic.AtomicBoolean up;
  private volatile boolean closed;

  private final ConsumerRegistry consumers;
  private final KeyRotation rotation;
  private final ClusterSync sync;
  private final java.util.concurrent.ScheduledExecutorService scheduler;
  /** The Send API sandbox, or null when it is off. */
  private SandboxRuntime sandbox;

  private Gatehouse(Vertx vertx, HttpListener listener, HttpListener adminListener, String adminHost, Database db, DataFolder data, boolean tls, String bindHost, Path tlsCertificate,
      CryptoProvider crypto, ConsumerRegistry consumers, KeyRotation rotation, ClusterSync sync, java.util.concurrent.atomic.AtomicBoolean up) {
    this.up = up;
    this.consumers = consumers;
    this.sync = sync;
    this.rotation = rotation;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gatehouse-key-rotation");
      t.setDaemon(true);
      return t;
    });
    // promotions, retirements and scheduled rotation; a failure (store down) is tried again next time
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        rotation.tick();
      } catch (RuntimeException e) {
        LOG.warn("key rotation check failed: {}", e.getMessage());
      }
    }, 10, 10, TimeUnit.SECONDS);
    this.vertx = vertx;
    this.listener = listener;
    this.adminListener = adminListener;
    this.adminHost = adminHost;
    this.db = db;
    this.data = data;
    this.tls = tls;
    this.bindHost = bindHost;
    this.tlsCertificate = tlsCertificate;
    this.crypto = crypto;
  }

  /**
   * Starts a server and returns once it accepts connections.
   *
   * @throws IllegalArgumentException for a bad setting, {@link dev.gatehouse.store.StoreException}
   *     when the store cannot be opened, {@link IllegalStateException} when the port cannot be bound
   */
  public static Gatehouse start(ServerConfig cfg) {
    DataFolder data = DataFolder.open(cfg.dataDir);
    boolean freshStore = cfg.db == null && !java.nio.file.Files.exists(data.resolve(Database.H2_FILE));
    // Loading the native crypto provider, starting Vert.x and (on a first start) generating the
    // two signing keys take a few hundred ms each and need nothing from the store, so they run
    // while the store opens and migrates.
    ExecutorService boot = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "gatehouse-boot");
      t.setDaemon(true);
      return t;
    });
    record Boot(CryptoProvider crypto, List<KeyVault.Spare> spareKeys, dev.gatehouse.keys.Pkcs11Keys token) {}
    Future<Boot> bootF = boot.submit(() -> {
      CryptoProvider c = CryptoProvider.select(cfg.crypto);
      List<KeyVault.Spare> spare = new ArrayList<>();
      dev.gatehouse.keys.Pkcs11Keys token = cfg.pkcs11 == null ? null : dev.gatehouse.keys.Pkcs11Keys.open(cfg.pkcs11, cfg.clock);
      if (freshStore && token == null) {
        spare.add(KeyVault.spare(c, cfg.algorithm, cfg.keyBits));
        spare.add(KeyVault.spare(c, cfg.algorithm, cfg.keyBits));
      }
      return new Boot(c, spare, token);
    });
    Future<io.micrometer.prometheusmetrics.PrometheusMeterRegistry> metricsF = boot.submit(() -> {
      var registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
      new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
      new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics().bindTo(registry);
      new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
      processMetrics(registry);
      new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
      return registry;
    });
    Future<Vertx> vertxF = boot.submit(() -> Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cfg.eventLoops).setPreferNativeTransport(true)));
    boot.shutdown();
    Database db = null;
    Vertx vertx = null;
    SandboxRuntime sandbox = null;
    HttpListener adminListener;
    ConsumerRegistry consumers = null;
    ClusterSync sync = null;
    try {
      MasterKey master = data.masterKey(cfg.masterKeyText());
      String adminToken = data.adminToken(cfg.adminTokenText());
      db = cfg.db == null ? Database.h2(data.path()) : Database.connect(cfg.db);
      data.tighten(false); // the files the store just made
      AccountDirectory accounts = new AccountDirectory(new JdbcAccountRepository(db), master, cfg.clock);
      accounts.reload();
      AppDirectory apps = new AppDirectory(new JdbcAppRepository(db),
          new ClientSecrets(master), cfg.clock);
      apps.reload();
      dev.gatehouse.operators.OperatorTokens operators = new dev.gatehouse.operators.OperatorTokens(
          new dev.gatehouse.store.JdbcOperatorTokenRepository(db), master.derive("gatehouse/v1/operator-token-pepper"), adminToken,
          dev.gatehouse.audit.AuditLog.actorId("admin", adminToken), cfg.clock);
      operators.reload();
      Boot booted = join(bootF);
      CryptoProvider crypto = booted.crypto();
      JdbcSigningKeyRepository keyStore = new JdbcSigningKeyRepository(db);
      KeyVault vault = new KeyVault(keyStore, master, crypto, booted.token(), cfg.algorithm, cfg.keyBits, cfg.clock);
      vault.addSpares(booted.spareKeys());
      // nodes starting together on a new database must not each make first keys
      SigningKeys keys = new SigningKeys(db.underLock(KeyRotation.LOCK, vault::loadOrCreate));
      sync = new ClusterSync(db, java.time.Duration.ofSeconds(cfg.refreshSeconds));
      ClusterSync changes = sync;
      KeyRotation rotation = new KeyRotation(vault, keyStore, keys, cfg.clock,
          java.time.Duration.ofSeconds(cfg.keyPublicationDelaySeconds), java.time.Duration.ofSeconds(cfg.appTokenLifetimeSeconds),
          java.time.Duration.ofDays(cfg.appKeyRotationDays), db::withLock, () -> changes.changed(Topic.KEYS));

      vertx = join(vertxF);
      // HTTP/1.1 only (no h2c upgrade): one framing to get right; headers of at most 8 KiB
      HttpServerOptions opts = new HttpServerOptions().setHost(cfg.host).setPort(cfg.port)
          .setCompressionSupported(false).setHttp2ClearTextEnabled(false)
          .setMaxHeaderSize(8192).setMaxInitialLineLength(4096)
          .setIdleTimeout((int) Math.max(1, cfg.idleTimeoutSeconds)).setIdleTimeoutUnit(TimeUnit.SECONDS);
      Path certFile = null;
      if (cfg.tlsCert != null) {
        certFile = cfg.tlsCert;
        PemKeyCertOptions pem = new PemKeyCertOptions().setCertPath(cfg.tlsCert.toString()).setKeyPath(cfg.tlsKey.toString());
        dev.gatehouse.http.TlsSetup.checkTlsPair(vertx, pem, cfg.tlsCert, cfg.tlsKey);
        opts.setSsl(true).setKeyCertOptions(pem);
      } else if (cfg.tlsSelfSigned) {
        String h = hostOnly(cfg.publicHost != null ? cfg.publicHost : publicName(cfg.host));
        SelfSignedCertificate.PemFiles pem = SelfSignedCertificate.ensure(data.path(), h, cfg.clock);
        certFile = pem.certificate();
        opts.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(pem.certificate().toString()).setKeyPath(pem.privateKey().toString()));
      }

      io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics = join(metricsF);
      db.bindMetrics(metrics);
      consumers = new ConsumerRegistry(new dev.gatehouse.store.JdbcConsumerRepository(db), cfg.clock, 100_000);
      ConsumerRegistry registry = consumers;
      dev.gatehouse.audit.AuditLog audit = new dev.gatehouse.audit.AuditLog(new dev.gatehouse.store.JdbcAuditRepository(db), cfg.clock);
      dev.gatehouse.limits.AuthFailureLimits limits = lockouts(cfg, metrics, audit,
          db.isPostgres() ? new dev.gatehouse.store.JdbcSharedFailures(db) : dev.gatehouse.limits.SharedFailures.NONE,
          () -> changes.changed(Topic.LOCKOUTS));
      dev.gatehouse.limits.Quotas quotas = new dev.gatehouse.limits.Quotas(cfg.quotaAppTokensPerMinute, cfg.quotaNewConsumersPerMinute, cfg.clock);
      sync.start(java.util.Map.of(
          Topic.ACCOUNTS, accounts::reload,
          Topic.APPS, apps::reload,
          Topic.KEYS, rotation::reload,
          Topic.CONSUMERS, registry::reloadRevocations,
          Topic.OPERATORS, operators::reload,
          Topic.LOCKOUTS, limits::reloadShared));
      ServerVerificationKeys verificationKeys = new ServerVerificationKeys(keys);
      // one verifier for every place that checks tokens: issuer-side (IDP, introspection) with no
      // clock skew, gateway with the messaging services' 30 s
      // Their verdict caches share --verdict-cache-mb: every new consumer's token can be presented
      // once, so they are bounded by heap, not only by entries. The gateway (and the sandbox's
      // SEND) takes three quarters; the issuer side, behind the IDP's own AppJWT cache, the rest.
      long verdictBytes = (long) cfg.verdictCacheMb << 20;
      ConnectorRequestVerifier issuerSide = ConnectorRequestVerifier.builder().keys(verificationKeys).issuer(cfg.issuer).clock(cfg.clock)
          .clockSkew(java.time.Duration.ZERO).requiredScope(null).cacheMemory(verdictBytes / 4).build();
      ClusterSync syncNow = sync;
      AppTokenIssuer appTokens = new AppTokenIssuer(keys, cfg.issuer, cfg.appTokenLifetimeSeconds, cfg.clock);
      AppTokenVerifier appTokenVerifier = new AppTokenVerifier(issuerSide, keys, cfg.clock, cfg.appTokenCacheSize);
      ConsumerTokenIssuer consumerTokens = new ConsumerTokenIssuer(keys, cfg.consumerTokenCacheSize);
      // on a shared store, a request for an app or account made through another node a moment ago
      // may read it from the store (rate-limited); the embedded store has no other writer
      dev.gatehouse.cluster.MissLookups misses = new dev.gatehouse.cluster.MissLookups(db.isPostgres(), 20);
      dev.gatehouse.issuance.CallerStanding standing = new dev.gatehouse.issuance.CallerStanding(apps, accounts, consumers,
          syncNow::staleness, java.time.Duration.ofSeconds(cfg.maxStalenessSeconds));
      java.util.concurrent.atomic.AtomicBoolean up = new java.util.concurrent.atomic.AtomicBoolean();
      dev.gatehouse.issuance.AppTokenGrant appTokenGrant = new dev.gatehouse.issuance.AppTokenGrant(apps, appTokens, standing, misses, limits, quotas);
      dev.gatehouse.issuance.ConsumerTokenGrant consumerTokenGrant = new dev.gatehouse.issuance.ConsumerTokenGrant(appTokenVerifier, standing,
          apps, accounts, consumerTokens, consumers, misses, quotas);
      dev.gatehouse.admin.AdminActions adminActions = new dev.gatehouse.admin.AdminActions(accounts, apps, consumers, rotation, audit,
          sync::changed, limits, operators);
      ConnectorRequestVerifier gatewayVerifier = ConnectorRequestVerifier.builder().keys(verificationKeys).issuer(cfg.issuer).clock(cfg.clock)
          .cacheMemory(verdictBytes - verdictBytes / 4).build();
      dev.gatehouse.issuance.MessagingAccess messagingAccess = new dev.gatehouse.issuance.MessagingAccess(gatewayVerifier, standing);
      for (var v : java.util.Map.of("gateway", gatewayVerifier, "issuer", issuerSide).entrySet()) {
        io.micrometer.core.instrument.Gauge.builder("gatehouse.verdict.cache", v.getValue(), ConnectorRequestVerifier::cachedVerdictBytes)
            .baseUnit("bytes").tag("verifier", v.getKey()).description("Estimated heap of cached token verdicts (--verdict-cache-mb)").register(metrics);
        io.micrometer.core.instrument.Gauge.builder("gatehouse.verdict.cache.tokens", v.getValue(), ConnectorRequestVerifier::cachedVerdicts)
            .tag("verifier", v.getKey()).description("Tokens with a cached verdict").register(metrics);
      }
      sandbox = cfg.sandbox ? sandbox(cfg, db, apps, metrics) : null;
      HttpApi.Sandbox sandboxParts = sandbox == null ? null : sandbox.parts();
      // The parts for the public listener's port: the Domain API hands out the public host, which
      // is the bound address and port unless --public-host says otherwise, so the listener makes
      // its routes once it knows the port it binds.
      HttpServerOptions listenOpts = opts;
      String storeKind = db.isPostgres() ? "postgresql" : "h2";
      java.util.function.IntFunction<HttpApi.Parts> partsFor = port -> {
        String publicHost = cfg.publicHost != null ? cfg.publicHost : publicName(cfg.host) + ":" + port;
        java.util.Map<String, String> named = new java.util.LinkedHashMap<>(cfg.services);
        if (cfg.sandbox) {
          // the Send API's service name: here, unless the operator points it elsewhere
          named.putIfAbsent("asyncMessagingEnt", publicHost);
        }
        ServiceDirectory services = new ServiceDirectory(publicHost, named);
        String publicBase = (listenOpts.isSsl() ? "https://" : "http://") + publicHost;
        return new HttpApi.Parts(
          accounts, apps, keys,
          appTokens,
          appTokenVerifier,
          consumerTokens,
          () -> services,
          cfg.jwksMaxAgeSeconds,
          up::get,
          crypto.describe(),
          storeKind,
          () -> publicBase,
          messagingAccess,
          issuerSide,
          cfg.issuer,
          metrics,
          cfg.accessLog,
          audit,
          registry,
          rotation,
          changes,
          standing,
          appTokenGrant,
          consumerTokenGrant,
          adminActions,
          limits,
          cfg.trustedProxies,
          operators,
          sandboxParts);
      };
      HttpListener.Limits connectionLimits = new HttpListener.Limits(cfg.maxConnections,
          cfg.headerTimeoutSeconds * 1000, cfg.bodyTimeoutSeconds * 1000, cfg.idleTimeoutSeconds * 1000);
      boolean apart = cfg.adminPort != null;
      Vertx vx = vertx;
      HttpListener listener = HttpListener.start(vertx, opts,
          port -> HttpApi.router(vx, partsFor.apply(port), apart ? HttpApi.Side.PUBLIC : HttpApi.Side.ALL), cfg.eventLoops, connectionLimits);
      // the admin API and /metrics on a listener of their own: one event loop is plenty for them
      adminListener = apart
          ? HttpListener.start(vertx, new HttpServerOptions(opts).setHost(cfg.adminHost).setPort(cfg.adminPort),
              port -> HttpApi.router(vx, partsFor.apply(listener.port()), HttpApi.Side.ADMIN), 1, connectionLimits)
          : null;
      Gatehouse g = new Gatehouse(vertx, listener, adminListener, cfg.adminHost, db, data, opts.isSsl(), cfg.host, certFile, crypto, consumers,
          rotation, sync, up);
      g.sandbox = sandbox;
      if (booted.token() != null) {
        dev.gatehouse.keys.Pkcs11Keys token = booted.token();
        // the token's probe: not ready while it cannot sign, its keys found anew when it is back
        g.scheduler.scheduleWithFixedDelay(() -> {
          try {
            token.check();
          } catch (RuntimeException e) {
            LOG.warn("PKCS#11 token check failed: {}", e.getMessage());
          }
        }, 2, 2, TimeUnit.SECONDS);
      }
      if (sandbox != null) {
        sandbox.start(g.scheduler, cfg);
      }
      g.adminTokenFromEnvironment = cfg.adminTokenText() != null;
      if (cfg.tlsSelfSigned) {
        g.renewSelfSignedCertificate(hostOnly(cfg.publicHost != null ? cfg.publicHost : publicName(cfg.host)), cfg.clock);
      }
      up.set(true);
      return g;
    } catch (IOException e) {
      stopSandbox(sandbox);
      cleanup(vertxF, db, sync);
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cleanup(vertxF, db, sync);
      throw new IllegalStateException("interrupted while starting", e);
    } catch (TimeoutException e) {
      cleanup(vertxF, db, sync);
      throw new IllegalStateException("HTTP server did not start within 10 s", e);
    } catch (dev.gatehouse.keys.SealedValueException e) {
      cleanup(vertxF, db, sync);
      throw new IllegalStateException(e.getMessage() + ". The master key (GATEHOUSE_MASTER_KEY or " + data.path().resolve("master.key")
          + ") is not the one this store was made with" + (cfg.db != null ? "; every node on one database needs the same master key" : ""), e);
    } catch (RuntimeException | Error e) {
      stopSandbox(sandbox);
      cleanup(vertxF, db, sync);
      throw e;
    }
  }

  /** The Send API sandbox's running parts: its use cases, the webhook dispatcher and its HTTP client's threads. */
  private record SandboxRuntime(HttpApi.Sandbox parts, dev.gatehouse.sandbox.WebhookDispatcher dispatcher,
      dev.gatehouse.store.JdbcConversationRepository conversations, dev.gatehouse.store.JdbcDeliveryRepository deliveries, ExecutorService http) {
    /** Starts delivering, and forgets old conversations and finished deliveries once an hour. */
    void start(java.util.concurrent.ScheduledExecutorService scheduler, ServerConfig cfg) {
      dispatcher.start();
      scheduler.scheduleWithFixedDelay(() -> {
        try {
          java.time.Instant cutoff = cfg.clock.instant().minus(java.time.Duration.ofDays(cfg.sandboxRetentionDays));
          int c = conversations.purge(cutoff);
          int d = deliveries.purge(cutoff);
          if (c + d > 0) {
            LOG.info("sandbox retention: forgot {} conversations and {} finished deliveries older than {} days", c, d, cfg.sandboxRetentionDays);
          }
        } catch (RuntimeException e) {
          LOG.warn("sandbox retention run failed: {}", e.getMessage());
        }
      }, 1, 60, TimeUnit.MINUTES);
    }

    void close() {
      conversations.close(); // HTTP is closed by now: nothing more is queued
      dispatcher.close();
      http.shutdownNow();
    }
  }

  private static SandboxRuntime sandbox(ServerConfig cfg, Database db, AppDirectory apps,
      io.micrometer.prometheusmetrics.PrometheusMeterRegistry metrics) {
    dev.gatehouse.sandbox.SandboxSettingsDirectory settings = new dev.gatehouse.sandbox.SandboxSettingsDirectory(
        new dev.gatehouse.store.JdbcSandboxSettingsRepository(db), cfg.clock);
    dev.gatehouse.store.JdbcConversationRepository conversationStore = new dev.gatehouse.store.JdbcConversationRepository(db);
    dev.gatehouse.store.JdbcDeliveryRepository deliveries = new dev.gatehouse.store.JdbcDeliveryRepository(db);
    ExecutorService httpThreads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "gatehouse-webhook-http");
      t.setDaemon(true);
      return t;
    });
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .connectTimeout(java.time.Duration.ofSeconds(10))
        .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
        .sslContext(dev.gatehouse.sandbox.WebhookTrust.context(cfg.webhookCaFile))
        .executor(httpThreads)
        .build();
    dev.gatehouse.sandbox.WebhookDispatcher.Options o = dev.gatehouse.sandbox.WebhookDispatcher.Options.DEFAULT;
    dev.gatehouse.sandbox.WebhookDispatcher dispatcher = new dev.gatehouse.sandbox.WebhookDispatcher(deliveries, apps, settings, http, cfg.clock,
        new dev.gatehouse.sandbox.WebhookDispatcher.Options(java.time.Duration.ofSeconds(cfg.webhookRetrySeconds), o.timeout(), o.lease(), o.maxInFlight()));
    dev.gatehouse.sandbox.Conversations conversations = new dev.gatehouse.sandbox.Conversations(conversationStore, apps, settings, cfg.clock,
        dispatcher::wake);
    io.micrometer.core.instrument.FunctionCounter.builder("gatehouse.webhook.deliveries", dispatcher, d -> d.delivered())
        .tag("outcome", "delivered").description("Webhook notifications by final outcome").register(metrics);
    io.micrometer.core.instrument.FunctionCounter.builder("gatehouse.webhook.deliveries", dispatcher, d -> d.dropped())
        .tag("outcome", "dropped").description("Webhook notifications by final outcome").register(metrics);
    io.micrometer.core.instrument.FunctionCounter.builder("gatehouse.webhook.attempts.failed", dispatcher, d -> d.failedAttempts())
        .description("Webhook delivery attempts that failed (each retried or dropped)").register(metrics);
    io.micrometer.core.instrument.FunctionCounter.builder("gatehouse.webhook.retries", dispatcher, d -> d.retries())
        .description("Webhook deliveries scheduled for another attempt").register(metrics);
    io.micrometer.core.instrument.Gauge.builder("gatehouse.webhook.queue.pending", dispatcher, d -> d.pending())
        .description("Webhook deliveries pending, at the dispatcher's last look").register(metrics);
    return new SandboxRuntime(new HttpApi.Sandbox(conversations, settings, deliveries), dispatcher, conversationStore, deliveries, httpThreads);
  }

  private static void stopSandbox(SandboxRuntime s) {
    if (s != null) {
      s.close();
    }
  }

  /**
   * CPU figures under Prometheus's own names ({@code process_cpu_seconds_total}, and usage gauges)
   * instead of Micrometer's processor binder, whose {@code process_cpu_time_ns_total} and {@code
   * system_cpu_count} {@code promtool} rejects; and {@code gatehouse_build_info{version,commit,jdk}}.
   */
  private static void processMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      io.micrometer.core.instrument.FunctionCounter.builder("process.cpu", sun, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
          .description("CPU time this process used").register(registry);
      io.micrometer.core.instrument.Gauge.builder("process.cpu.usage", sun, o -> o.getProcessCpuLoad())
          .description("Share of the machine's CPU this process used recently (0-1)").register(registry);
      io.micrometer.core.instrument.Gauge.builder("system.cpu.usage", sun, o -> o.getCpuLoad())
          .description("Share of the machine's CPU used recently (0-1)").register(registry);
    }
    io.micrometer.core.instrument.Gauge.builder("system.cpus", os, o -> o.getAvailableProcessors())
        .description("Processors available to the JVM").register(registry);
    io.micrometer.core.instrument.Gauge.builder("gatehouse.build.info", () -> 1)
        .description("The running build: version, commit, JDK").tag("version", VERSION).tag("commit", commit())
        .tag("jdk", System.getProperty("java.version")).register(registry);
  }

  /** The commit built (from git.properties, written at build time), or "unknown". */
  static String commit() {
    try (java.io.InputStream in = Gatehouse.class.getResourceAsStream("git.properties")) {
      if (in == null) {
        return "unknown";
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("git.commit.id.abbrev", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** The brute-force limits, each new lockout counted in the metrics and written to the audit log (off the request's thread). */
  private static dev.gatehouse.limits.AuthFailureLimits lockouts(ServerConfig cfg, io.micrometer.core.instrument.MeterRegistry metrics,
      dev.gatehouse.audit.AuditLog audit, dev.gatehouse.limits.SharedFailures shared, Runnable announce) {
    ExecutorService auditing = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "gatehouse-lockout-audit");
      t.setDaemon(true);
      return t;
    });
    return new dev.gatehouse.limits.AuthFailureLimits(dev.gatehouse.limits.AuthFailureLimits.defaults(), cfg.clock, l -> {
      io.micrometer.core.instrument.Counter.builder("gatehouse.auth.lockouts").tag("door", l.door().name().toLowerCase(java.util.Locale.ROOT))
          .description("Lockouts after failed authentication").register(metrics).increment();
      LOG.warn("lockout: {} {} from {} until {} (lockout {} in a row)", l.door(), l.subject(), l.address(), l.until(), l.lockouts());
      try {
        auditing.execute(() -> {
          try {
            audit.record("gatehouse", "lockout", "lockout/" + l.door().name().toLowerCase(java.util.Locale.ROOT),
                "subject=" + l.subject() + " address=" + l.address() + " until=" + l.until());
          } catch (RuntimeException e) {
            LOG.warn("lockout not audited: {}", e.getMessage());
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // shutting down
      }
    }, shared, auditing, announce);
  }

  private static void cleanup(Future<Vertx> vertx, Database db, ClusterSync sync) {
    if (sync != null) {
      sync.close();
    }
    try {
      vertx.get(10, TimeUnit.SECONDS).close();
    } catch (Exception ignored) {
      // it did not start, so there is nothing to close
    }
    if (db != null) {
      db.close();
    }
  }

  /** The value of a boot task, with its own exception rethrown as it was. */
  private static <T> T join(Future<T> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Checks the self-signed certificate twice a day and, when it has fewer than 30 days left, makes
   * a new one and hands it to every listening server: new handshakes get it, open connections keep
   * theirs, nothing restarts.
   */
  private void renewSelfSignedCertificate(String host, java.time.Clock clock) {
    this.renewal = () -> {
      try {
        Path cert = data.path().resolve("tls-cert.pem");
        if (!SelfSignedCertificate.expiresSoon(cert, clock.instant())) {
          return;
        }
        SelfSignedCertificate.PemFiles pem = SelfSignedCertificate.ensure(data.path(), host, clock);
        io.vertx.core.net.ServerSSLOptions ssl = new io.vertx.core.net.ServerSSLOptions().setKeyCertOptions(new PemKeyCertOptions()
            .setCertValue(io.vertx.core.buffer.Buffer.buffer(java.nio.file.Files.readAllBytes(pem.certificate())))
            .setKeyValue(io.vertx.core.buffer.Buffer.buffer(java.nio.file.Files.readAllBytes(pem.privateKey()))));
        listener.updateSsl(ssl);
        LOG.info("self-signed TLS certificate renewed: {}", pem.certificate());
      } catch (Exception e) {
        LOG.warn("renewing the self-signed TLS certificate failed: {}", e.toString());
      }
    };
    scheduler.scheduleWithFixedDelay(renewal, 12, 12, TimeUnit.HOURS);
  }

  private volatile Runnable renewal = () -> {};

  /** Runs the certificate check now (what the scheduler does twice a day); for tests. */
  void checkCertificateNow() {
    renewal.run();
  }



  private static String publicName(String bindHost) {
    return bindHost.equals("0.0.0.0") || bindHost.equals("::") ? "localhost" : bindHost;
  }

  private static String hostOnly(String hostPort) {
    if (hostPort.startsWith("[")) {
      return hostPort.substring(1, hostPort.indexOf(']'));
    }
    int c = hostPort.lastIndexOf(':');
    return c > 0 && hostPort.indexOf(':') == c ? hostPort.substring(0, c) : hostPort;
  }

  public int port() {
    return listener.port();
  }

  /** {@code http[s]://host:port}, for clients on this machine. */
  /** Where the admin API and /metrics are served: the admin listener, or {@link #baseUrl()} when there is none. */
  public String adminBaseUrl() {
    return adminListener == null ? baseUrl() : (tls ? "https://" : "http://") + publicName(adminHost) + ":" + adminListener.port();
  }

  public String baseUrl() {
    return (tls ? "https://" : "http://") + publicName(bindHost) + ":" + port();
  }

  public Path adminTokenFile() {
    return data.adminTokenFile();
  }

  public Path tlsCertificate() {
    return tlsCertificate;
  }

  /** The key rotation service (tests drive {@link KeyRotation#tick()} with a fake clock). */
  public KeyRotation keyRotation() {
    return rotation;
  }

  public CryptoProvider crypto() {
    return crypto;
  }

  public boolean isReady() {
    return up.get();
  }

  /** One line for the log: where it listens, with what, and how long start took. */
  public String banner() {
    long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
    return "Gatehouse " + VERSION + " ready on " + baseUrl()
        + " | store: " + db.description()
        + " | signing: " + crypto.describe() + (rotation.keyLocation().equals("software") ? "" : ", new keys in " + rotation.keyLocation())
        + " | network: " + network()
        + " | admin token: " + (adminTokenFromEnvironment ? "from GATEHOUSE_ADMIN_TOKEN" : adminTokenFile().toString())
        + (adminListener != null ? " | admin API and metrics on " + adminBaseUrl() : "")
        + (tlsCertificate != null ? " | TLS certificate: " + tlsCertificate : "")
        + (sandbox != null ? " | Send API sandbox ON (not for production)" : "")
        + " | " + uptime + " ms since JVM start";
  }

  /**
   * Which transport the event loops use: Netty's native epoll (fewer copies and system calls; the
   * jar carries it for Linux x86-64) or, where its library does not load, the JDK's NIO, and why.
   */
  private String network() {
    if (vertx.isNativeTransportEnabled()) {
      return "native epoll";
    }
    Throwable why = vertx.unavailableNativeTransportCause();
    return "JDK NIO" + (why == null ? "" : " (native epoll unavailable: " + why.getMessage() + ")");
  }

  /** Stops accepting, lets in-flight requests finish (up to 30 s), then closes the store. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    up.set(false);
    dev.gatehouse.config.LogSetup.quietShutdown();
    // no interrupt (shutdownNow): a task in the store's file I/O would close H2's file, and the
    // consumer records written below would be lost; periodic tasks stop, a running one finishes
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("a scheduled task (key rotation or housekeeping) was still running at shutdown");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sync.close();
    try {
      listener.shutdown(30);
      if (adminListener != null) {
        adminListener.shutdown(5);
      }
    } catch (Exception e) {
      LOG.warn("HTTP server did not shut down cleanly: {}", e.toString());
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.toString());
    }
    stopSandbox(sandbox); // deliveries in flight are recorded before the store closes
    try {
      consumers.close(); // writes the consumer records still queued
    } catch (RuntimeException e) {
      LOG.error("{} consumer records could not be written at shutdown: {}", consumers.queued(), e.getMessage());
    }
    db.close();
  }
}
