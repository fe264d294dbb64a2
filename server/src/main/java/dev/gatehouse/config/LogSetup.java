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
 * of start-up. One line per event on stdout, level from {@code GATEHOUSE_LOG_LEVEL} (default
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
    PatternLayoutEncoder enc = new PatternLayoutEncoder();
    enc.setContext(ctx);
    // every logged value is escaped: a CR or LF inside a message (say, in a path a client sent)
    // cannot start a forged log line (%enc{...}{CRLF} is log4j's; logback's %replace does it here)
    enc.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{0} - %replace(%msg){'[\\r\\n]', '\\\\n'}%n");
    enc.start();
    ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
    out.setContext(ctx);
    out.setName("OUT");
    out.setEncoder(enc);
    out.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getenv("GATEHOUSE_LOG_LEVEL"), Level.INFO));
    root.addAppender(out);
    for (String quiet : new String[] {"com.zaxxer.hikari", "io.netty", "io.vertx", "h2database"}) {
      ctx.getLogger(quiet).setLevel(Level.WARN);
    }
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
