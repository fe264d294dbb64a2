package dev.gatehouse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gatehouse}: the server ({@code serve}) and the admin API's command-line client. */
@Command(
    name = "gatehouse",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Identity layer of a messaging Connector API: Sentinel AppJWT, IDP ConsumerJWS, Domain API.",
    subcommands = {ServeCommand.class, AccountCommand.class, AppCommand.class, KeysCommand.class, LockoutsCommand.class, TokensCommand.class, SandboxCommand.class, WarmupCommand.class, CommandLine.HelpCommand.class})
public final class Main {
  public static void main(String[] args) {
    // Setting up logging costs a few hundred ms of class loading; do it while picocli parses.
    Thread logging = new Thread(() -> org.slf4j.LoggerFactory.getILoggerFactory(), "gatehouse-log-init");
    logging.setDaemon(true);
    logging.start();
    int code = commandLine().execute(args);
    if (code != 0 || !ServeCommand.RUNNING.get()) {
      System.exit(code);
    }
  }

  /** The configured command line, also used by tests to run the CLI in-process. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    // "@FILE" is ours (--webhooks @hooks.json), not picocli's argument files
    cl.setExpandAtFiles(false);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("error: " + ex.getMessage());
      return 1;
    });
    return cl;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"gatehouse " + dev.gatehouse.Gatehouse.VERSION};
    }
  }
}
