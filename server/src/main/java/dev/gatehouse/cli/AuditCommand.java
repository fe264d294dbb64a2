package dev.gatehouse.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gatehouse audit}: the audit log, newest first. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "The audit log, newest first (through the admin API).")
final class AuditCommand extends AdminCommand {
  @Option(names = "--action", paramLabel = "PREFIX", description = "Only actions starting with this, e.g. app. or consumer.revoke")
  String action;

  @Option(names = "--actor", description = "Only this actor, e.g. admin:1a2b3c4d5e6f")
  String actor;

  @Option(names = "--before", paramLabel = "ID", description = "Entries older than this id (next_before of the previous page)")
  Long before;

  @Option(names = "--limit", defaultValue = "50", description = "At most this many. Default: ${DEFAULT-VALUE}")
  int limit;

  @Override
  JsonObject run() {
    StringBuilder q = new StringBuilder("/admin/v1/audit?limit=").append(limit);
    if (action != null) {
      q.append("&action=").append(AdminClient.enc(action));
    }
    if (actor != null) {
      q.append("&actor=").append(AdminClient.enc(actor));
    }
    if (before != null) {
      q.append("&before=").append(before);
    }
    return client.call("GET", q.toString(), null);
  }
}
