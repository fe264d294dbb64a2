package dev.gatehouse.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse consumers show|list|revoke|restore|erase}. */
@Command(name = "consumers", mixinStandardHelpOptions = true, description = "An account's consumers (through the admin API).",
    subcommands = {ConsumersCommand.Show.class, ConsumersCommand.ListAll.class, ConsumersCommand.Revoke.class, ConsumersCommand.Restore.class,
        ConsumersCommand.Erase.class})
final class ConsumersCommand {

  abstract static class OnAccount extends AdminCommand {
    @Option(names = "--account", required = true, paramLabel = "ID", description = "Account id")
    String account;

    String base() {
      return "/admin/v1/accounts/" + AdminClient.enc(account) + "/consumers";
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One consumer, by lp_consumer_id or by --ext (its external id).")
  static final class Show extends OnAccount {
    @Parameters(index = "0", arity = "0..1", paramLabel = "LP_CONSUMER_ID")
    String lp;

    @Option(names = "--ext", paramLabel = "EXT_CONSUMER_ID", description = "Look up by external id instead")
    String ext;

    @Override
    JsonObject run() {
      if ((lp == null) == (ext == null)) {
        throw new AdminClient.Failure("give exactly one of LP_CONSUMER_ID or --ext");
      }
      return client.call("GET", lp != null ? base() + "/" + AdminClient.enc(lp) : base() + "?ext_consumer_id=" + AdminClient.enc(ext), null);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Consumers in lp_consumer_id order, a page at a time.")
  static final class ListAll extends OnAccount {
    @Option(names = "--after", paramLabel = "LP_CONSUMER_ID", description = "Start after this one (next_after of the previous page)")
    String after;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many. Default: ${DEFAULT-VALUE}")
    int limit;

    @Override
    JsonObject run() {
      return client.call("GET", base() + "?limit=" + limit + (after == null ? "" : "&after=" + AdminClient.enc(after)), null);
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Refuse the consumer's ConsumerJWS from now on, on every node.")
  static final class Revoke extends OnAccount {
    @Parameters(index = "0", paramLabel = "LP_CONSUMER_ID")
    String lp;

    @Override
    JsonObject run() {
      return client.call("POST", base() + "/" + AdminClient.enc(lp) + "/revoke", null);
    }
  }

  @Command(name = "restore", mixinStandardHelpOptions = true, description = "Undo a revocation (not an erasure).")
  static final class Restore extends OnAccount {
    @Parameters(index = "0", paramLabel = "LP_CONSUMER_ID")
    String lp;

    @Override
    JsonObject run() {
      return client.call("POST", base() + "/" + AdminClient.enc(lp) + "/restore", null);
    }
  }

  @Command(name = "erase", mixinStandardHelpOptions = true, description = "Forget the consumer's external id and revoke it for good.")
  static final class Erase extends OnAccount {
    @Parameters(index = "0", paramLabel = "LP_CONSUMER_ID")
    String lp;

    @Option(names = "--yes", required = true, description = "Confirm: erasing cannot be undone")
    boolean yes;

    @Override
    JsonObject run() {
      return client.call("DELETE", base() + "/" + AdminClient.enc(lp), null);
    }
  }
}
