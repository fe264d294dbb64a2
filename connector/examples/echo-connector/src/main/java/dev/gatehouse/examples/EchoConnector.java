package dev.gatehouse.examples;

import dev.gatehouse.connector.ConnectorClient;
import dev.gatehouse.connector.JdkWebhookServer;
import dev.gatehouse.connector.Notification;
import dev.gatehouse.connector.WebhookHandler;
import dev.gatehouse.connector.WebhookVerifier;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A whole connector on the kit: listens for webhooks, opens a conversation for one consumer, sends
 * one message, prints the agent's reply, closes. Exit 0 with the reply on one line; non-zero with a
 * one-line reason.
 *
 * <pre>bin/gatehouse-connector-example --base https://127.0.0.1:8443 --cacert DATA/tls-cert.pem --account A \
 *   --client-id C --client-secret-file F --consumer alice --message "hi" --webhook-port 0 [--admin-token-file T]</pre>
 */
public final class EchoConnector {
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      Map<String, String> o = options(args);
      String account = need(o, "account");
      String clientId = need(o, "client-id");
      String secret = Files.readString(Path.of(need(o, "client-secret-file"))).trim();
      SSLContext tls = o.containsKey("cacert") ? trust(Path.of(o.get("cacert"))) : SSLContext.getDefault();

      // 1. the webhook listener: verified notifications of our conversation's agent go to `reply`
      CompletableFuture<String> reply = new CompletableFuture<>();
      String[] conversation = {null};
      WebhookHandler hooks = new WebhookHandler(new WebhookVerifier(account, clientId, secret), n -> {
        if (n instanceof Notification.Content c && c.conversationId().equals(conversation[0]) && "ASSIGNED_AGENT".equals(c.originator().role())) {
          reply.complete(c.message());
        }
      });
      var server = JdkWebhookServer.start(new InetSocketAddress("127.0.0.1", Integer.parseInt(o.getOrDefault("webhook-port", "0"))), "/hook", hooks);
      try (ConnectorClient client = ConnectorClient.builder().domainApi(need(o, "base")).account(account).credentials(clientId, secret)
          .sslContext(tls).build()) {
        if (o.containsKey("admin-token-file")) { // 2. tell the app where its webhooks go
          register(o, tls, account, clientId, secret, "http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        }
        // 3. open, send, wait for the agent, close
        String consumer = need(o, "consumer");
        conversation[0] = client.openConversation(consumer, null);
        client.sendText(consumer, conversation[0], need(o, "message"));
        String answer = reply.get(Long.parseLong(o.getOrDefault("timeout", "30")), TimeUnit.SECONDS);
        out.println(answer);
        client.close(consumer, conversation[0]);
        return 0;
      } finally {
        server.stop(0);
      }
    } catch (java.util.concurrent.TimeoutException e) {
      err.println("error: no reply from the agent in time (is the sandbox's agent on, and the webhook registered?)");
      return 3;
    } catch (Exception e) {
      err.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ')));
      return e instanceof IllegalArgumentException ? 2 : 1;
    }
  }

  /** Registers our listener for the notifications we need, through the admin API. */
  private static void register(Map<String, String> o, SSLContext tls, String account, String clientId, String secret, String url) throws Exception {
    String sub = "{\"endpoint\":\"" + url + "\",\"max_retries\":3}";
    String body = "{\"client_secret\":\"" + secret + "\",\"webhooks\":{\"ms.MessagingEventNotification.ContentEvent\":" + sub
        + ",\"cqm.ExConversationChangeNotification\":" + sub + "}}";
    HttpResponse<String> r = HttpClient.newBuilder().sslContext(tls).build().send(HttpRequest.newBuilder(URI.create(
        o.getOrDefault("admin-base", o.get("base")) + "/admin/v1/accounts/" + account + "/apps/" + clientId + "/webhooks"))
        .header("Authorization", "Bearer " + Files.readString(Path.of(o.get("admin-token-file"))).trim())
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("registering the webhook failed: " + r.statusCode() + " " + r.body());
    }
  }

  private static SSLContext trust(Path pem) throws Exception {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (var in = Files.newInputStream(pem)) {
      ks.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("options are --name value pairs; got '" + args[i] + "'");
      }
      o.put(args[i].substring(2), args[++i]);
    }
    return o;
  }

  private static String need(Map<String, String> o, String name) {
    String v = o.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }
}
