package dev.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import dev.gatehouse.TestServer;
import dev.gatehouse.TestServer.AppCredentials;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RFC 7662 introspection and RFC 8414 metadata, the latter driven by a real OAuth client library. */
@org.junit.jupiter.api.extension.ExtendWith(TestServer.PerClass.class)
class IntrospectionAndMetadataTest {
  static TestServer server;
  static AppCredentials app;
  static AppCredentials other;

  @BeforeAll
  static void start(TestServer s) {
    server = s;
    app = server.accountWithApp("5313846");
    other = server.accountWithApp("le81823118");
  }


  static String basic(AppCredentials a) {
    return "Basic " + Base64.getEncoder().encodeToString((a.clientId() + ":" + a.clientSecret()).getBytes(StandardCharsets.UTF_8));
  }

  static HttpResponse<String> introspect(String authorization, String form) {
    return server.post("/oauth/introspect", "application/x-www-form-urlencoded", form,
        authorization == null ? Map.of() : Map.of("Authorization", authorization));
  }

  static JsonObject introspectAs(AppCredentials a, String token) {
    HttpResponse<String> r = introspect(basic(a), "token=" + token);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    return new JsonObject(r.body());
  }

  @Test
  void activeTokens_ofBothKinds_describeThemselves() {
    String appJwt = server.appJwt(app);
    JsonObject a = introspectAs(app, appJwt);
    assertThat(a.getBoolean("active")).isTrue();
    assertThat(a.getString("token_kind")).isEqualTo("AppJWT");
    assertThat(a.getString("client_id")).isEqualTo(app.clientId());
    assertThat(a.getString("aud")).isEqualTo("5313846");
    assertThat(a.getString("scope")).isEqualTo("msg.consumer");
    assertThat(a.getLong("exp") - a.getLong("iat")).isEqualTo(3600);

    String consumer = server.consumerJws("5313846", appJwt, "John_Doe_facebook12345");
    JsonObject c = introspectAs(app, consumer);
    assertThat(c.getBoolean("active")).isTrue();
    assertThat(c.getString("token_kind")).isEqualTo("ConsumerJWS");
    assertThat(c.getString("ext_consumer_id")).isEqualTo("John_Doe_facebook12345");
    assertThat(c.getString("lp_consumer_id")).isEqualTo(TestServer.claims(consumer).getString("lp_consumer_id"));

    // client credentials in the body work as well as Basic
    HttpResponse<String> post = introspect(null, "token=" + appJwt + "&client_id=" + app.clientId() + "&client_secret=" + app.clientSecret());
    assertThat(new JsonObject(post.body()).getBoolean("active")).isTrue();
  }

  @Test
  void inactive_whenExpired_badlySigned_garbage_ofAnotherAccount_orItsAppIsDisabled() {
    String appJwt = server.appJwt(app);
    String consumer = server.consumerJws("5313846", appJwt, "x");
    String[] p = appJwt.split("\\.");
    String badSignature = p[0] + "." + p[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[256]);
    assertThat(introspectAs(app, badSignature).getBoolean("active")).isFalse();
    assertThat(introspectAs(app, "garbage").getBoolean("active")).isFalse();
    assertThat(introspectAs(app, badSignature).fieldNames()).containsExactly("active");
    // another account's app learns nothing; the admin does
    assertThat(introspectAs(other, appJwt).getBoolean("active")).isFalse();
    assertThat(introspectAs(other, consumer).getBoolean("active")).isFalse();
    assertThat(new JsonObject(introspect("Bearer " + TestServer.ADMIN_TOKEN, "token=" + appJwt).body()).getBoolean("active")).isTrue();

    server.clock.advance(Duration.ofSeconds(3601));
    try {
      assertThat(introspectAs(app, appJwt).getBoolean("active")).isFalse();
      assertThat(introspectAs(app, consumer).getBoolean("active")).isTrue(); // a ConsumerJWS never expires
    } finally {
      server.clock.advance(Duration.ofSeconds(-3601));
    }

    AppCredentials doomed = server.createApp("5313846");
    String doomedJwt = server.appJwt(doomed);
    assertThat(introspectAs(app, doomedJwt).getBoolean("active")).isTrue();
    server.admin("POST", "/admin/v1/accounts/5313846/apps/" + doomed.clientId() + "/disable", null);
    assertThat(introspectAs(app, doomedJwt).getBoolean("active")).isFalse();
  }

  @Test
  void callerMustAuthenticate_andSendAToken() {
    HttpResponse<String> none = introspect(null, "token=x");
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(none.body()).getString("error")).isEqualTo("invalid_client");
    HttpResponse<String> wrong = introspect("Basic " + Base64.getEncoder().encodeToString((app.clientId() + ":nope").getBytes(StandardCharsets.UTF_8)), "token=x");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(introspect("Bearer not-the-admin-token", "token=x").statusCode()).isEqualTo(401);
    HttpResponse<String> noToken = introspect(basic(app), "token_type_hint=access_token");
    assertThat(noToken.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(noToken.body()).getString("error_description")).contains("token");
  }

  @Test
  void metadata_describesTheServer() {
    JsonObject m = new JsonObject(server.get("/.well-known/oauth-authorization-server").body());
    assertThat(m.getString("issuer")).isEqualTo(server.base());
    // the AppJWT's iss is the documented Sentinel, not the metadata's URL issuer: said in token_iss
    assertThat(m.getString("token_iss")).isEqualTo("Sentinel").isEqualTo(TestServer.claims(server.appJwt(server.accountWithApp("5313999"))).getString("iss"));
    assertThat(m.getString("token_endpoint")).isEqualTo(server.base() + "/sentinel/api/account/{accountId}/app/token");
    assertThat(m.getString("jwks_uri")).isEqualTo(server.base() + "/.well-known/jwks.json");
    assertThat(m.getJsonArray("grant_types_supported").getList()).containsExactly("client_credentials");
    assertThat(m.getJsonArray("token_endpoint_auth_methods_supported").getList()).contains("client_secret_basic", "client_secret_post");
    assertThat(m.getString("introspection_endpoint")).isEqualTo(server.base() + "/oauth/introspect");
    assertThat(server.get("/.well-known/oauth-authorization-server/sentinel/api/account/nobody").statusCode()).isEqualTo(404);
  }

  @Test
  void aStandardOAuthClientLibrary_configuresItselfFromTheMetadata_andGetsAndIntrospectsTokens() throws Exception {
    for (String form : new String[] {"rfc8414", "openid"}) {
      Issuer issuer = new Issuer(server.base() + "/sentinel/api/account/5313846");
      AuthorizationServerMetadata meta = form.equals("openid")
          ? AuthorizationServerMetadata.parse(server.get("/sentinel/api/account/5313846/.well-known/oauth-authorization-server").body())
          : AuthorizationServerMetadata.parse(server.get("/.well-known/oauth-authorization-server/sentinel/api/account/5313846").body());
      assertThat(meta.getIssuer()).isEqualTo(issuer);

      TokenResponse basic = TokenResponse.parse(new TokenRequest(meta.getTokenEndpointURI(),
          new ClientSecretBasic(new ClientID(app.clientId()), new Secret(app.clientSecret())), new ClientCredentialsGrant(), null)
          .toHTTPRequest().send());
      assertThat(basic.indicatesSuccess()).as(basic.toString()).isTrue();
      AccessTokenResponse ok = basic.toSuccessResponse();
      assertThat(ok.getTokens().getBearerAccessToken().getLifetime()).isEqualTo(3600);

      TokenResponse post = TokenResponse.parse(new TokenRequest(meta.getTokenEndpointURI(),
          new ClientSecretPost(new ClientID(app.clientId()), new Secret(app.clientSecret())), new ClientCredentialsGrant(), null)
          .toHTTPRequest().send());
      assertThat(post.indicatesSuccess()).isTrue();

      TokenResponse bad = TokenResponse.parse(new TokenRequest(meta.getTokenEndpointURI(),
          new ClientSecretBasic(new ClientID(app.clientId()), new Secret("wrong")), new ClientCredentialsGrant(), null)
          .toHTTPRequest().send());
      assertThat(bad.indicatesSuccess()).isFalse();
      assertThat(bad.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");

      TokenIntrospectionResponse ir = TokenIntrospectionResponse.parse(new TokenIntrospectionRequest(meta.getIntrospectionEndpointURI(),
          new ClientSecretBasic(new ClientID(app.clientId()), new Secret(app.clientSecret())),
          new BearerAccessToken(ok.getTokens().getBearerAccessToken().getValue())).toHTTPRequest().send());
      TokenIntrospectionSuccessResponse s = ir.toSuccessResponse();
      assertThat(s.isActive()).isTrue();
      assertThat(s.getClientID().getValue()).isEqualTo(app.clientId());
    }
  }
}
