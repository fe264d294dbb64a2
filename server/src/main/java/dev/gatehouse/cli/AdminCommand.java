package dev.gatehouse.cli;

import io.vertx.core.json.JsonObject;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Base of every admin subcommand: one call, its JSON pretty-printed on stdout, or one error line on stderr. */
abstract class AdminCommand implements Callable<Integer> {
  @Mixin
  AdminClient client;

  @Spec
  CommandSpec spec;

  abstract JsonObject run();

  @Override
  public Integer call() {
    try {
      spec.commandLine().getOut().println(Output.render(run(), client.output));
      spec.commandLine().getOut().flush();
      return 0;
    } catch (AdminClient.Failure e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return e.exitCode;
    }
  }
}
