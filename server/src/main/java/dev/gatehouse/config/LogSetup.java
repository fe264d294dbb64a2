package dev.gatehouse.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * Logging set up in code rather than XML: parsing a logback.xml costs a few hundred milliseconds
 * of start-up. One line per event on stdout: text, or with {@code GATEHOUSE_LOG_FORMAT=json}
 * ({@code serve --log-format json}) one JSON object a line with ECS field names (Elastic's ECS
 * encoder), which any log shipper reading container stdout (Filebeat, Fluent Bit, Vector,
 * Promtail) takes as is. Level from {@code GATEHOUSE_LOG_LEVEL} ({@code --log-level}; default
 * INFO), the chatty libraries at WARN. An operator's own file still wins: with {@code
 * -Dlogback.configurationFile=...} this steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    setUp(ctx, System.getenv("GATEHOUSE_LOG_FORMAT"), System.getenv("GATEHOUSE_LOG_LEVEL"));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /**
   * For a graceful stop under load: Netty warns with a stack trace for every connection accepted
   * while its event loops are closing ("Failed to register an accepted channel"); those are
   * connections refused at shutdown, not faults, so the acceptor's logger goes quiet.
   */
  public static void quietShutdown() {
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger("io.netty.bootstrap").setLevel(Level.ERROR);
      ctx.getLogger("io.netty.channel").setLevel(Level.ERROR);
    }
  }

  /** The log formats there are. */
  public static final java.util.List<String> FORMATS = java.util.List.of("text", "json");

  /**
   * Sets the format and level again (for {@code serve --log-format/--log-level}, read after logging
   * started). Does nothing when an operator's own logback file is in use.
   *
   * @throws IllegalArgumentException for an unknown format or level
   */
  public static void apply(String format, String level) {
    if (System.getProperty("logback.configurationFile") != null) {
      return;
    }
    if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      setUp(ctx, format, level);
    }
  }

  private static void setUp(LoggerContext ctx, String format, String level) {
    String f = format == null || format.isBlank() ? "text" : format.trim().toLowerCase(java.util.Locale.ROOT);
    if (!FORMATS.contains(f)) {
      throw new IllegalArgumentException("--log-format must be text or json, got '" + format + "'");
    }
    Level lvl = level == null || level.isBlank() ? Level.INFO : Level.toLevel(level.trim(), null);
    if (lvl == null) {
      throw new IllegalArgumentException("--log-level must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got '" + level + "'");
    }
    ch.qos.logback.core.encoder.Encoder<ILoggingEvent> enc;
    if (f.equals("json")) {
      co.elastic.logging.logback.EcsEncoder ecs = new co.elastic.logging.logback.EcsEncoder();
      ecs.setServiceName("gatehouse");
      ecs.setServiceVersion(dev.gatehouse.Gatehouse.VERSION);
      ecs.setIncludeMarkers(false);
      ecs.setIncludeOrigin(false);
      enc = ecs;
    } else {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      // every logged value is escaped: a CR or LF inside a message (say, in a path a client sent)
      // cannot start a forged log line (%enc{...}{CRLF} is log4j's; logback's %replace does it here)
      text.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{0} - %replace(%msg){'[\\r\\n]', '\\\\n'}%n");
      enc = text;
    }
    enc.setContext(ctx);
    enc.start();
    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(ctx);
    out.setName("OUT");
    out.setEncoder(enc);
    out.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.Appender<ILoggingEvent> old = root.getAppender("OUT");
    root.detachAppender("OUT");
    if (old != null) {
      old.stop();
    }
    root.setLevel(lvl);
    root.addAppender(out);
    for (String quiet : new String[] {"com.zaxxer.hikari", "io.netty", "io.vertx", "h2database"}) {
      ctx.getLogger(quiet).setLevel(Level.WARN);
    }
  }
}
