package dev.gatehouse.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gatehouse}: the server ({@code serve}) and the admin API's command-line client. */
@Command(
    name = "gatehouse",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Identity layer of a messaging Connector API: Sentinel AppJWT, IDP ConsumerJWS, Domain API.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "1:failed otherwise", "2:usage error or a value the server refused (400)", "3:server unreachable or not trusted (TLS)",
        "4:unauthorized or forbidden (401, 403)", "5:not found (404)", "6:conflict (409)", "7:server error (5xx)"})
public final class Main {
  /**
   * The subcommands, in the order the usage lists them. picocli models a command and all its
   * options by reflection when it is added; for all of these that took ~150 ms of every start, so
   * {@link #commandLine(String...)} adds only the one named first when it is one of these.
   */
  private static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(ServeCommand.class, AccountCommand.class, AppCommand.class,
      KeysCommand.class, LockoutsCommand.class, TokensCommand.class, SandboxCommand.class, ConsumersCommand.class, AuditCommand.class,
      WarmupCommand.class, CommandLine.HelpCommand.class);
  /** The thread setting up logging's defaults; {@link #awaitLogging()} before changing them. */
  private static volatile Thread LOGGING;

  /**
   * Waits until logging has its defaults, so that settings made after it are not overwritten by
   * them, and so that loggers made after it are real ones: a logger asked for while SLF4J starts up
   * on the other thread is a stand-in that may never be connected (its lines are lost). No time
   * limit: a server that logs nothing is worse than one that starts a moment later.
   */
  static void awaitLogging() {
    Thread t = LOGGING;
    if (t != null) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public static void main(String[] args) {
    systemDefaults();
    // Setting up logging costs a few hundred ms of class loading; do it while picocli parses.
    Thread logging = new Thread(() -> org.slf4j.LoggerFactory.getILoggerFactory(), "gatehouse-log-init");
    logging.setDaemon(true);
    logging.start();
    LOGGING = logging;
    int code = commandLine(args).execute(args);
    if (code != 0 || !ServeCommand.RUNNING.get()) {
      System.exit(code);
    }
  }

  /**
   * System properties the process runs with unless the command line sets them. Netty 4.2 registers
   * JFR event types for its buffer allocator whenever the JDK has JFR, and the JDK then generates
   * and compiles a handler class per event type while the server starts: 150-310 ms of a 1.3-1.9 s
   * start on two cores (medians of 6-8 starts, interleaved), for events nobody records. Off unless asked
   * for ({@code -Dio.netty.jfr.enabled=true}). Must run before Netty's first class is loaded.
   */
  static void systemDefaults() {
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
  }

  /** The configured command line with every subcommand, also used by tests to run the CLI in-process. */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The configured command line for {@code argv}: with only the subcommand {@code argv[0]} names
   * when it names one (other than {@code help}, which needs them all), else with every subcommand.
   * Either way each command is parsed by its own annotations.
   */
  static CommandLine commandLine(String... argv) {
    CommandLine cl = new CommandLine(new Main());
    Class<?> only = null;
    for (Class<?> c : SUBCOMMANDS) {
      Command command = c.getAnnotation(Command.class);
      if (argv.length > 0 && command.name().equals(argv[0]) && c != CommandLine.HelpCommand.class) {
        only = c;
      }
    }
    for (Class<?> c : SUBCOMMANDS) {
      if (only == null || c == only) {
        cl.addSubcommand(c);
      }
    }
    // "@FILE" is ours (--webhooks @hooks.json), not picocli's argument files
    cl.setExpandAtFiles(false);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("error: " + ex.getMessage());
      return ex instanceof IllegalArgumentException ? AdminClient.USAGE : AdminClient.FAILED;
    });
    // a usage error is one line (and a suggestion), not the whole usage
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      cmd.getErr().println("error: " + ex.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, cmd.getErr());
      if (ex instanceof CommandLine.UnmatchedArgumentException u) {
        for (String arg : u.getUnmatched()) {
          String near = nearestOption(cmd, arg);
          if (near != null) {
            cmd.getErr().println("did you mean " + near + "?");
          }
        }
      }
      cmd.getErr().println("see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
      return AdminClient.USAGE;
    });
    return cl;
  }

  /** The option of {@code cmd} nearest to a mistyped {@code --name} (at most 2 edits away), or null. */
  static String nearestOption(CommandLine cmd, String arg) {
    if (!arg.startsWith("--")) {
      return null;
    }
    String given = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
    String best = null;
    int bestDistance = 3;
    for (CommandLine.Model.OptionSpec o : cmd.getCommandSpec().options()) {
      for (String name : o.names()) {
        int d = distance(given, name);
        if (d < bestDistance) {
          bestDistance = d;
          best = name;
        }
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"gatehouse " + dev.gatehouse.Gatehouse.VERSION};
    }
  }
}
