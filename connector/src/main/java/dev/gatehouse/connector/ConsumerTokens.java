package dev.gatehouse.connector;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URI;
import java.net.http.HttpRequest;

/**
 * ConsumerJWS per external consumer id: a bounded in-memory cache in front of the connector's
 * {@link ConsumerTokenStore}, in front of the IDP. Concurrent first requests for one consumer make
 * one IDP call (the cache computes once per key). A ConsumerJWS never expires; one the Send API
 * refuses (40103) is forgotten, here and in the store. Thread-safe.
 */
final class ConsumerTokens {
  private final Transport transport;
  private final Discovery discovery;
  private final AppTokenSource appTokens;
  private final String account;
  private final ConsumerTokenStore store;
  private final Cache<String, String> cache;

  ConsumerTokens(Transport transport, Discovery discovery, AppTokenSource appTokens, String account, ConsumerTokenStore store, long maxSize) {
    this.transport = transport;
    this.discovery = discovery;
    this.appTokens = appTokens;
    this.account = account;
    this.store = store;
    this.cache = Caffeine.newBuilder().maximumSize(maxSize).build();
  }

  String get(String extConsumerId) {
    return cache.get(extConsumerId, ext -> store.load(account, ext).orElseGet(() -> {
      String token = issue(ext);
      store.save(account, ext, token);
      return token;
    }));
  }

  /** The Send API refused {@code token} (40103): forget it, so the next {@link #get} asks the IDP. */
  void refused(String extConsumerId, String token) {
    if (cache.asMap().remove(extConsumerId, token) || cache.getIfPresent(extConsumerId) == null) {
      store.remove(account, extConsumerId);
    }
  }

  private String issue(String ext) {
    String body = "{\"ext_consumer_id\":" + Json.quote(ext) + "}";
    boolean[] renewed = {false};
    String[] app = {appTokens.get()};
    for (;;) {
      try {
        return transport.call("the IDP", () -> transport.request(URI.create(discovery.baseUrl("idp") + "/api/account/" + Discovery.enc(account)
            + "/consumer?v=1.0")).header("Authorization", app[0]).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), r -> {
              if (r.status() != 200 && r.status() != 201) {
                return null;
              }
              String token = Json.string(Json.object(r.body()), "token");
              if (token == null) {
                throw new ConnectorException("the IDP answered " + r.status() + " without a token", null);
              }
              return token;
            }, () -> discovery.forget("idp"));
      } catch (SendApiException e) {
        if (e.status() != 401 || renewed[0]) {
          throw e;
        }
        // the AppJWT was refused: one new one, one more try
        appTokens.refused(app[0]);
        app[0] = appTokens.get();
        renewed[0] = true;
      }
    }
  }
}
