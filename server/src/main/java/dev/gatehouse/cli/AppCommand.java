package dev.gatehouse.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse app create|list|show|disable|enable}. */
@Command(name = "app", mixinStandardHelpOptions = true, description = "Manage app installations (through the admin API).",
    subcommands = {AppCommand.Create.class, AppCommand.ListAll.class, AppCommand.Show.class, AppCommand.Disable.class, AppCommand.Enable.class,
        AppCommand.RotateSecret.class, AppCommand.Webhooks.class})
final class AppCommand {

  abstract static class OnAccount extends AdminCommand {
    @Option(names = "--account", required = true, paramLabel = "ID", description = "Account id")
    String account;

    String apps() {
      return "/admin/v1/accounts/" + AdminClient.enc(account) + "/apps";
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Install an app; prints its client_id and client_secret. The secret is shown this once only.")
  static final class Create extends OnAccount {
    @Option(names = "--name", required = true, description = "Display name")
    String name;

    @Option(names = "--scope", description = "Scopes the app may request, space separated (default: msg.consumer)")
    String scope;

    @Option(names = "--webhooks", paramLabel = "JSON|@FILE",
        description = "Webhook registration, the vendor's capabilities.webhooks object (event type to {endpoint, max_retries, headers}); @FILE reads it from a file")
    String webhooks;

    @Override
    JsonObject run() {
      JsonObject body = new JsonObject().put("name", name);
      if (scope != null) {
        body.put("scope", scope);
      }
      if (webhooks != null) {
        body.put("webhooks", jsonArgument(webhooks, "--webhooks"));
      }
      return client.call("POST", apps(), body);
    }
  }

  /** JSON given inline, or {@code @FILE}. */
  static JsonObject jsonArgument(String text, String option) {
    String json = text;
    if (text.startsWith("@")) {
      try {
        json = java.nio.file.Files.readString(java.nio.file.Path.of(text.substring(1)));
      } catch (java.io.IOException e) {
        throw new AdminClient.Failure("cannot read " + option + " file " + text.substring(1) + ": " + e.getMessage());
      }
    }
    try {
      return new JsonObject(json);
    } catch (RuntimeException e) {
      throw new AdminClient.Failure(option + " is not a JSON object");
    }
  }

  @Command(name = "webhooks", mixinStandardHelpOptions = true,
      description = "Set or remove an app's webhook registration. An app made without webhooks keeps only a hash of its secret, and"
          + " webhook signatures need the secret itself: give it once with --client-secret-file.")
  static final class Webhooks extends OnAccount {
    @Parameters(index = "0", paramLabel = "CLIENT_ID")
    String clientId;

    @Option(names = "--set", paramLabel = "JSON|@FILE", description = "The registration (capabilities.webhooks); @FILE reads it from a file")
    String set;

    @Option(names = "--remove", description = "Remove the registration (and the sealed secret with it)")
    boolean remove;

    @Option(names = "--client-secret-file", paramLabel = "FILE", description = "File holding the app's current client secret; - reads it from stdin")
    java.nio.file.Path secretFile;

    @Override
    JsonObject run() {
      String path = apps() + "/" + AdminClient.enc(clientId) + "/webhooks";
      if (remove == (set != null)) {
        throw new AdminClient.Failure("give exactly one of --set or --remove");
      }
      if (remove) {
        return client.call("DELETE", path, null);
      }
      JsonObject body = new JsonObject().put("webhooks", jsonArgument(set, "--set"));
      if (secretFile != null) {
        try {
          String secret = secretFile.toString().equals("-")
              ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              : java.nio.file.Files.readString(secretFile);
          body.put("client_secret", secret.trim());
        } catch (java.io.IOException e) {
          throw new AdminClient.Failure("cannot read --client-secret-file " + secretFile + ": " + e.getMessage());
        }
      }
      return client.call("PUT", path, body);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List an account's apps.")
  static final class ListAll extends OnAccount {
    @Override
    JsonObject run() {
      return client.call("GET", apps(), null);
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one app (never its secret).")
  static final class Show extends OnAccount {
    @Parameters(index = "0", paramLabel = "CLIENT_ID")
    String clientId;

    @Override
    JsonObject run() {
      return client.call("GET", apps() + "/" + AdminClient.enc(clientId), null);
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable an app: no new tokens, its AppJWTs refused at once.")
  static final class Disable extends OnAccount {
    @Parameters(index = "0", paramLabel = "CLIENT_ID")
    String clientId;

    @Override
    JsonObject run() {
      return client.call("POST", apps() + "/" + AdminClient.enc(clientId) + "/disable", null);
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a disabled app.")
  static final class Enable extends OnAccount {
    @Parameters(index = "0", paramLabel = "CLIENT_ID")
    String clientId;

    @Override
    JsonObject run() {
      return client.call("POST", apps() + "/" + AdminClient.enc(clientId) + "/enable", null);
    }
  }

  @Command(name = "rotate-secret", mixinStandardHelpOptions = true,
      description = "Issue a new secret (shown this once); the old one keeps working for the grace period.")
  static final class RotateSecret extends OnAccount {
    @Parameters(index = "0", paramLabel = "CLIENT_ID")
    String clientId;

    @Option(names = "--grace", defaultValue = "24h", paramLabel = "DURATION",
        description = "How long the old secret keeps working: e.g. 30m, 24h, 7d. Default: ${DEFAULT-VALUE}")
    String grace;

    @Option(names = "--now", description = "Cut the old secret off at once")
    boolean now;

    @Override
    JsonObject run() {
      if (now && spec.commandLine().getParseResult().hasMatchedOption("--grace")) {
        throw new AdminClient.Failure("--grace and --now exclude each other: --now cuts the old secret off at once");
      }
      long seconds = now ? 0 : parseDuration(grace);
      return client.call("POST", apps() + "/" + AdminClient.enc(clientId) + "/rotate-secret", new JsonObject().put("grace_seconds", seconds));
    }

    static long parseDuration(String text) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([smhd]?)").matcher(text.trim());
      if (!m.matches()) {
        throw new AdminClient.Failure("--grace must be a number with s, m, h or d, e.g. 24h; got '" + text + "'");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "m" -> n * 60;
        case "h" -> n * 3600;
        case "d" -> n * 86_400;
        default -> n;
      };
    }
  }
}
