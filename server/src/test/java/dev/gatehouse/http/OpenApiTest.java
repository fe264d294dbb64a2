package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.gatehouse.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code /openapi.json} against the server: every route the code registers is in the document and
 * every operation of the document is a route (the console, an HTML interface, aside); and the
 * server's real responses validate against the document's schemas (JSON Schema 2020-12, networknt).
 */
class OpenApiTest {
  static final JsonObject DOC = OpenApiEndpoint.load();

  /** "METHOD /path/{param}" of every route registered in the http package's code. */
  static Set<String> routesInCode() throws Exception {
    Set<String> out = new TreeSet<>();
    Pattern route = Pattern.compile("r\\.(get|post|put|delete|route)\\((\"[^\"]+\"|GatewayEndpoint\\.PREFIX(?: \\+ \"/\\*\")?)\\)");
    try (var files = Files.list(Path.of("src/main/java/dev/gatehouse/http"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.getFileName().toString().startsWith("Console")).toList()) {
        Matcher m = route.matcher(Files.readString(f));
        while (m.find()) {
          String path = m.group(2).replace("GatewayEndpoint.PREFIX + \"/*\"", "\"/gateway/authorize/{originalPath}\"")
              .replace("GatewayEndpoint.PREFIX", "\"/gateway/authorize\"");
          path = path.substring(1, path.length() - 1).replaceAll(":([A-Za-z]+)", "{$1}");
          if (path.endsWith("*") && !path.startsWith("/gateway")) {
            continue; // handlers that run before others (authentication, catching up), not endpoints
          }
          if (m.group(1).equals("route") && !path.startsWith("/gateway")) {
            continue; // a handler for any method ahead of the endpoints (catching up with other nodes), not one itself
          }
          if (m.group(1).equals("route")) {
            out.add("GET " + path);
            out.add("POST " + path);
          } else {
            out.add(m.group(1).toUpperCase() + " " + path);
          }
        }
      }
    }
    return out;
  }

  static Set<String> operationsInDocument() {
    Set<String> out = new TreeSet<>();
    DOC.getJsonObject("paths").forEach(e -> ((JsonObject) e.getValue()).fieldNames().forEach(m -> out.add(m.toUpperCase() + " " + e.getKey())));
    return out;
  }

  @Test
  void everyRouteIsDocumented_andEveryDocumentedOperationIsARoute() throws Exception {
    Set<String> code = routesInCode();
    assertThat(code).hasSizeGreaterThan(40);
    assertThat(operationsInDocument()).as("the document's operations").isEqualTo(code);
    assertThat(DOC.getString("openapi")).isEqualTo("3.1.0");
  }

  /** The schema of one documented response, standalone: the document's components as $defs. */
  static Schema responseSchema(String template, String method, int status) {
    JsonObject response = DOC.getJsonObject("paths").getJsonObject(template).getJsonObject(method).getJsonObject("responses")
        .getJsonObject(String.valueOf(status));
    assertThat(response).as(method + " " + template + " documents " + status).isNotNull();
    JsonObject content = response.getJsonObject("content");
    assertThat(content).as(method + " " + template + " " + status + " has a body").isNotNull();
    JsonObject schema = content.getJsonObject(content.fieldNames().iterator().next()).getJsonObject("schema");
    String standalone = new JsonObject().put("$schema", "https://json-schema.org/draft/2020-12/schema")
        .put("$defs", DOC.getJsonObject("components").getJsonObject("schemas")).put("allOf", new io.vertx.core.json.JsonArray().add(schema))
        .encode().replace("#/components/schemas/", "#/$defs/");
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(standalone);
  }

  static String template(String path) {
    for (String t : DOC.getJsonObject("paths").fieldNames()) {
      if (path.matches(t.replace(".", "\\.").replaceAll("\\{[^}]+}", "[^/]+"))) {
        return t;
      }
    }
    throw new AssertionError("no documented path for " + path);
  }

  record Call(String method, String path, HttpResponse<String> response) {}

  @Test
  void theServersResponses_validateAgainstTheDocumentsSchemas() {
    try (TestServer server = TestServer.start(b -> b.sandbox(true))) {
      List<Call> calls = new ArrayList<>();
      TestServer.AppCredentials app = server.accountWithApp("5500");
      String jwt = server.appJwt(app);
      String jws = server.consumerJws("5500", jwt, "alice");
      String lp = TestServer.claims(jws).getString("lp_consumer_id");
      calls.add(new Call("post", "/sentinel/api/account/5500/app/token", server.post("/sentinel/api/account/5500/app/token?v=1.0",
          "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=" + app.clientId() + "&client_secret=" + app.clientSecret(), java.util.Map.of())));
      calls.add(new Call("post", "/sentinel/api/account/5500/app/token", server.post("/sentinel/api/account/5500/app/token?v=1.0",
          "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=" + app.clientId() + "&client_secret=wrong", java.util.Map.of())));
      calls.add(new Call("post", "/api/account/5500/consumer", server.consumer("5500", jwt, "{\"ext_consumer_id\":\"bob\"}")));
      calls.add(new Call("post", "/api/account/5500/consumer", server.consumer("5500", jwt, "{}")));
      for (String p : List.of("/api/account/5500/service/baseURI.json", "/api/account/5500/service/sentinel/baseURI.json", "/.well-known/jwks.json",
          "/.well-known/oauth-authorization-server", "/.well-known/oauth-authorization-server/sentinel/api/account/5500", "/health/ready",
          "/health/live", "/api/account/9999/service/baseURI.json")) {
        calls.add(new Call("get", p, server.get(p)));
      }
      calls.add(new Call("post", "/api/account/5500/messaging/consumer/conversation", server.post("/api/account/5500/messaging/consumer/conversation?v=3",
          "application/json", "[{\"kind\":\"req\",\"id\":\"1\",\"type\":\"userprofile.SetUserProfile\",\"body\":{}},{\"kind\":\"req\",\"id\":\"2\","
              + "\"type\":\"cm.ConsumerRequestConversation\",\"body\":{\"brandId\":\"5500\"}}]", java.util.Map.of("Authorization", jwt, "X-LP-ON-BEHALF", jws))));
      calls.add(new Call("post", "/api/account/5500/messaging/consumer/conversation/send", server.post("/api/account/5500/messaging/consumer/conversation/send?v=3",
          "application/json", "{}", java.util.Map.of("Authorization", jwt))));
      for (String p : List.of("/admin/v1/accounts", "/admin/v1/accounts/5500", "/admin/v1/accounts/5500/apps", "/admin/v1/accounts/5500/apps/" + app.clientId(),
          "/admin/v1/keys", "/admin/v1/audit", "/admin/v1/lockouts", "/admin/v1/tokens", "/admin/v1/accounts/5500/consumers/" + lp,
          "/admin/v1/accounts/5500/consumers", "/admin/v1/accounts/5500/conversations", "/admin/v1/accounts/5500/sandbox",
          "/admin/v1/accounts/5500/webhook-deliveries", "/admin/v1/accounts/nope")) {
        calls.add(new Call("get", p, server.admin("GET", p, null)));
      }
      calls.add(new Call("post", "/admin/v1/accounts", server.admin("POST", "/admin/v1/accounts", new JsonObject().put("id", "5500"))));
      calls.add(new Call("post", "/admin/v1/accounts/5500/consumers/" + lp + "/revoke", server.admin("POST", "/admin/v1/accounts/5500/consumers/" + lp + "/revoke", null)));
      for (Call c : calls) {
        String t = template(c.path());
        Schema schema = responseSchema(t, c.method(), c.response().statusCode());
        var errors = schema.validate(c.response().body(), InputFormat.JSON);
        assertThat(errors).as(c.method() + " " + c.path() + " " + c.response().statusCode() + ": " + c.response().body()).isEmpty();
      }
      assertThat(calls).extracting(c -> c.response().statusCode()).contains(200, 201, 400, 401, 404, 409);
      // and the check can fail: an AppJWT answer without its token does not validate
      assertThat(responseSchema("/sentinel/api/account/{accountId}/app/token", "post", 200).validate("{\"token_type\":\"Bearer\"}", InputFormat.JSON))
          .isNotEmpty();
      // what each listener side serves of the document
      JsonObject served = new JsonObject(server.get("/openapi.json").body());
      assertThat(served.getJsonObject("paths").fieldNames()).contains("/admin/v1/accounts", "/api/account/{accountId}/consumer");
    }
  }
}
