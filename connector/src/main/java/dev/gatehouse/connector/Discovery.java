package dev.gatehouse.connector;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Domain API lookup: which host serves a service for the account, cached for a while and
 * looked up again after a connection failure (the host may have moved). Thread-safe.
 */
final class Discovery {
  private record Entry(String host, Instant until) {}

  private final Transport transport;
  private final URI base;
  private final String account;
  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Entry> hosts = new ConcurrentHashMap<>();

  Discovery(Transport transport, URI base, String account, Clock clock, Duration ttl) {
    this.transport = transport;
    this.base = base;
    this.account = account;
    this.clock = clock;
    this.ttl = ttl;
  }

  /** {@code scheme://host[:port]} of the service, the scheme that of the Domain API's base URL. */
  String baseUrl(String service) {
    Entry e = hosts.get(service);
    if (e == null || !clock.instant().isBefore(e.until())) {
      String host = lookup(service);
      e = new Entry(host, clock.instant().plus(ttl));
      hosts.put(service, e);
    }
    return base.getScheme() + "://" + e.host();
  }

  void forget(String service) {
    hosts.remove(service);
  }

  private String lookup(String service) {
    URI uri = base.resolve("/api/account/" + enc(account) + "/service/" + enc(service) + "/baseURI.json?version=1.0");
    return transport.call("the Domain API (" + service + ")", () -> transport.request(uri).GET().build(), r -> {
      if (r.status() != 200) {
        return null;
      }
      String host = Json.string(Json.object(r.body()), "baseURI");
      if (host == null || host.isBlank() || host.contains("/")) {
        throw new ConnectorException("the Domain API gave no usable baseURI for " + service + ": " + r.body(), null);
      }
      return host;
    }, () -> {});
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
