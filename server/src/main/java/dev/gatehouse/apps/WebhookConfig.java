package dev.gatehouse.apps;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An app's webhook registration, the vendor's {@code capabilities.webhooks}: for each event type
 * the endpoint that receives it, how many times a failed delivery is retried and the custom
 * headers sent with it; and how long an undelivered event is kept ({@code retry.retention_time},
 * seconds; 0 = until its retries run out). Every rule of what is a valid
 * registration is here, whoever submits it (admin API, CLI, console).
 *
 * <p>Endpoints are HTTPS; plain {@code http://} only to a loopback host ({@link
 * dev.gatehouse.verifier.LoopbackHost}: 127.0.0.0/8, ::1, localhost), for local development. Immutable.
 */
public record WebhookConfig(Map<String, Subscription> subscriptions, long retentionSeconds) {
  /** The event types one may subscribe to, in the vendor's spelling. */
  public static final List<String> EVENT_TYPES = List.of(
      "ms.MessagingEventNotification.ContentEvent",
      "ms.MessagingEventNotification.RichContentEvent",
      "ms.MessagingEventNotification.AcceptStatusEvent",
      "ms.MessagingEventNotification.ChatStateEvent",
      "cqm.ExConversationChangeNotification");
  public static final int MAX_RETRIES = 5;
  public static final long MAX_RETENTION_SECONDS = 3 * 86_400;
  private static final int MAX_ENDPOINT = 2000;
  private static final int MAX_HEADERS = 20;
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}"); // RFC 9110 §5.1
  private static final Pattern VALUE = Pattern.compile("[\\x20-\\x7E\\t]{0,1024}");
  /** Headers the delivery itself sets; a registration may not override them. */
  private static final List<String> RESERVED = List.of("host", "content-length", "content-type", "transfer-encoding", "connection",
      "expect", "upgrade", "x-liveperson-account-id", "x-liveperson-client-id", "x-liveperson-signature");

  /** Where one event type goes, and the custom headers sent with it. */
  public record Subscription(String endpoint, int maxRetries, List<Header> headers) {
    public Subscription {
      headers = List.copyOf(headers);
    }
  }

  /** A custom header sent with every delivery. */
  public record Header(String name, String value) {}

  public WebhookConfig {
    if (subscriptions.isEmpty()) {
      throw new IllegalArgumentException("webhooks must subscribe to at least one event type, of " + EVENT_TYPES);
    }
    Map<String, Subscription> ordered = new LinkedHashMap<>();
    for (String type : EVENT_TYPES) {
      Subscription s = subscriptions.get(type);
      if (s != null) {
        checkEndpoint(type, s.endpoint());
        if (s.maxRetries() < 0 || s.maxRetries() > MAX_RETRIES) {
          throw new IllegalArgumentException("webhooks." + type + ".max_retries must be 0 to " + MAX_RETRIES + ", got " + s.maxRetries());
        }
        checkHeaders(type, s.headers());
        ordered.put(type, s);
      }
    }
    for (String type : subscriptions.keySet()) {
      if (!ordered.containsKey(type)) {
        throw new IllegalArgumentException("webhooks has an unknown event type '" + printable(type) + "'; known: " + EVENT_TYPES);
      }
    }
    subscriptions = Collections.unmodifiableMap(ordered);
    if (retentionSeconds < 0 || retentionSeconds > MAX_RETENTION_SECONDS) {
      throw new IllegalArgumentException("webhooks.retry.retention_time must be 0 to " + MAX_RETENTION_SECONDS + " seconds, got " + retentionSeconds);
    }
  }

  private static void checkHeaders(String type, List<Header> headers) {
    String what = "webhooks." + type + ".headers";
    if (headers.size() > MAX_HEADERS) {
      throw new IllegalArgumentException(what + " has " + headers.size() + " custom headers; at most " + MAX_HEADERS);
    }
    for (Header h : headers) {
      if (h.name() == null || !TOKEN.matcher(h.name()).matches()) {
        throw new IllegalArgumentException(what + ": header_name '" + printable(String.valueOf(h.name())) + "' is not an HTTP field name");
      }
      if (RESERVED.contains(h.name().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(what + ": " + h.name() + " is set by the delivery itself and may not be overridden");
      }
      if (h.value() == null || !VALUE.matcher(h.value()).matches()) {
        throw new IllegalArgumentException(what + ": " + h.name() + " has a header_value that is not 0-1024 visible ASCII characters");
      }
    }
  }

  /** The subscription for a change whose subscription key is {@code type}, or null. */
  public Subscription forType(String type) {
    return subscriptions.get(type);
  }

  /**
   * @throws IllegalArgumentException unless {@code endpoint} is an absolute https URL, or http to a
   *     loopback host, with no user info or fragment
   */
  static void checkEndpoint(String type, String endpoint) {
    String what = "webhooks." + type + ".endpoint";
    if (endpoint == null || endpoint.isEmpty()) {
      throw new IllegalArgumentException(what + " is missing");
    }
    if (endpoint.length() > MAX_ENDPOINT) {
      throw new IllegalArgumentException(what + " is longer than " + MAX_ENDPOINT + " characters");
    }
    URI u;
    try {
      u = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(what + " is not a URL: " + printable(endpoint));
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (u.getHost() == null || u.getRawUserInfo() != null || u.getRawFragment() != null || !(scheme.equals("https") || scheme.equals("http"))) {
      throw new IllegalArgumentException(what + " must be an https:// URL with a host and no user info or fragment, got " + printable(endpoint));
    }
    if (scheme.equals("http") && !dev.gatehouse.verifier.LoopbackHost.is(u.getHost())) {
      throw new IllegalArgumentException(what + " must use https; plain http is accepted only for a loopback host (local development), got "
          + printable(endpoint));
    }
  }

  /**
   * The stored form: one line per subscription ({@code sub TYPE MAX_RETRIES ENDPOINT}), each
   * followed by its headers ({@code hdr NAME: VALUE}), then the retention ({@code retention
   * SECONDS}). None of the parts can hold a line break or (but the header value) a space, which the
   * constructor ensures.
   */
  public String toStorage() {
    StringBuilder b = new StringBuilder();
    subscriptions.forEach((type, s) -> {
      b.append("sub ").append(type).append(' ').append(s.maxRetries()).append(' ').append(s.endpoint()).append('\n');
      s.headers().forEach(h -> b.append("hdr ").append(h.name()).append(": ").append(h.value()).append('\n'));
    });
    b.append("retention ").append(retentionSeconds).append('\n');
    return b.toString();
  }

  /** Reads {@link #toStorage()}; null for null. @throws IllegalArgumentException for text it did not write */
  public static WebhookConfig fromStorage(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    Map<String, Subscription> subs = new LinkedHashMap<>();
    Map<String, List<Header>> headers = new LinkedHashMap<>();
    String last = null;
    long retention = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("sub ")) {
        String[] p = line.split(" ", 4);
        subs.put(p[1], new Subscription(p[3], Integer.parseInt(p[2]), List.of()));
        headers.put(p[1], new ArrayList<>());
        last = p[1];
      } else if (line.startsWith("hdr ") && last != null) {
        int colon = line.indexOf(": ");
        headers.get(last).add(new Header(line.substring(4, colon), line.substring(colon + 2)));
      } else if (line.startsWith("retention ")) {
        retention = Long.parseLong(line.substring(10));
      } else if (!line.isEmpty()) {
        throw new IllegalArgumentException("stored webhook registration has an unknown line");
      }
    }
    subs.replaceAll((type, sub) -> new Subscription(sub.endpoint(), sub.maxRetries(), headers.get(type)));
    return new WebhookConfig(subs, retention);
  }

  private static String printable(String s) {
    String t = s.length() > 200 ? s.substring(0, 200) + "..." : s;
    return t.replaceAll("[\\p{Cntrl}]", "?");
  }
}
