package dev.gatehouse.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Option;

/**
 * Options and calls shared by the admin commands: which server, which admin token, and one
 * request with the answer turned into JSON or a one-line error.
 */
final class AdminClient {
  @Option(names = "--server", defaultValue = "${env:GATEHOUSE_SERVER:-http://127.0.0.1:8080}",
      description = "Server base URL (GATEHOUSE_SERVER). Default: ${DEFAULT-VALUE}")
  String server;

  /** From the environment only: a token on the command line would show in every process listing. */
  String adminToken = System.getenv("GATEHOUSE_ADMIN_TOKEN");

  @Option(names = "--admin-token-file", defaultValue = "${env:GATEHOUSE_ADMIN_TOKEN_FILE}",
      description = "File holding the admin token, - for stdin (GATEHOUSE_ADMIN_TOKEN_FILE); else GATEHOUSE_ADMIN_TOKEN, else DATA/admin-token")
  Path adminTokenFile;

  @Option(names = "--data", defaultValue = "${env:GATEHOUSE_DATA:-gatehouse-data}",
      description = "Data folder holding admin-token (GATEHOUSE_DATA). Default: ${DEFAULT-VALUE}")
  Path data;

  @Option(names = {"-o", "--output"}, paramLabel = "table|json",
      description = "How to print the answer: table (the default on a terminal) or json (the default otherwise)")
  String output;

  @Option(names = "--cacert", defaultValue = "${env:GATEHOUSE_CACERT}",
      description = "PEM certificate to trust for an https server (GATEHOUSE_CACERT); without it, DATA/tls-cert.pem is trusted when present")
  Path caCert;

  /** Exit codes, one per kind of failure (documented in the README and in {@code gatehouse --help}). */
  static final int USAGE = 2;
  static final int UNREACHABLE = 3;
  static final int UNAUTHORIZED = 4;
  static final int NOT_FOUND = 5;
  static final int CONFLICT = 6;
  static final int SERVER_ERROR = 7;
  static final int FAILED = 1;

  /** A failed call, already phrased as the one line the user sees, with its exit code. */
  static final class Failure extends RuntimeException {
    final int exitCode;

    Failure(String message) {
      this(message, USAGE);
    }

    Failure(String message, int exitCode) {
      super(message, null, false, false);
      this.exitCode = exitCode;
    }
  }

  /** The exit code of an HTTP status. */
  static int exitCode(int status) {
    return switch (status) {
      case 400, 413, 415, 422 -> USAGE;
      case 401, 403 -> UNAUTHORIZED;
      case 404 -> NOT_FOUND;
      case 409 -> CONFLICT;
      default -> status >= 500 ? SERVER_ERROR : FAILED;
    };
  }

  JsonObject call(String method, String path, JsonObject body) {
    String token = token();
    URI uri;
    try {
      uri = URI.create(server.replaceAll("/+$", "") + path);
    } catch (IllegalArgumentException e) {
      throw new Failure("--server is not a URL: " + server);
    }
    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    if (body != null) {
      rb.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    } else {
      rb.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> resp;
    try {
      resp = client().send(rb.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new Failure("cannot reach " + server + ": connection refused (is 'gatehouse serve' running?)", UNREACHABLE);
    } catch (javax.net.ssl.SSLHandshakeException e) {
      throw new Failure("the certificate of " + server + " is not trusted: pass --cacert with its CA certificate (for a server with"
          + " --tls-self-signed: --cacert DATA/tls-cert.pem)", UNREACHABLE);
    } catch (IOException e) {
      throw new Failure("cannot reach " + server + ": " + e.getMessage(), UNREACHABLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    }
    JsonObject json;
    try {
      json = new JsonObject(resp.body());
    } catch (DecodeException | ClassCastException e) {
      throw new Failure(method + " " + path + " answered " + resp.statusCode() + " with a body that is not JSON", exitCode(resp.statusCode()));
    }
    if (resp.statusCode() >= 300) {
      throw new Failure(resp.statusCode() + " " + json.getString("error", "error") + ": " + json.getString("error_description", ""),
          exitCode(resp.statusCode()));
    }
    return json;
  }

  private String token() {
    if (adminTokenFile != null) {
      try {
        return (adminTokenFile.toString().equals("-") ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            : Files.readString(adminTokenFile)).trim();
      } catch (IOException e) {
        throw new Failure("cannot read --admin-token-file " + adminTokenFile + ": " + e.getMessage());
      }
    }
    if (adminToken != null && !adminToken.isBlank()) {
      return adminToken.trim();
    }
    Path f = data.resolve("admin-token");
    try {
      return Files.readString(f).trim();
    } catch (IOException e) {
      throw new Failure("no admin token: give --admin-token-file, set GATEHOUSE_ADMIN_TOKEN, or point --data at the server's data folder (" + f + " is not readable)");
    }
  }

  private HttpClient client() {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    Path ca = caCert;
    if (ca == null && server.startsWith("https://") && Files.isReadable(data.resolve("tls-cert.pem"))) {
      ca = data.resolve("tls-cert.pem"); // the local server's own self-signed certificate
    }
    if (ca != null) {
      try (InputStream in = Files.newInputStream(ca)) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("gatehouse", CertificateFactory.getInstance("X.509").generateCertificate(in));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        b.sslContext(ctx);
      } catch (IOException | java.security.GeneralSecurityException e) {
        throw new Failure("cannot use --cacert " + ca + ": " + e.getMessage());
      }
    }
    return b.build();
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }
}
