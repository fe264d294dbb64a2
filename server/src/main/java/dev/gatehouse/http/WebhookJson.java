package dev.gatehouse.http;

import dev.gatehouse.apps.WebhookConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vendor's {@code capabilities.webhooks} JSON and back: event type to {@code {endpoint,
 * max_retries, headers:[{header_name, header_value}]}}, and {@code retry.retention_time}. Only the
 * JSON shape is checked here; what is a valid registration is {@link WebhookConfig}'s rule.
 */
final class WebhookJson {
  private WebhookJson() {}

  /** @throws ApiException 400 naming the member at fault */
  static WebhookConfig parse(Object value) {
    if (!(value instanceof JsonObject o)) {
      throw new ApiException(ApiError.invalidRequest("webhooks must be an object of event type to {\"endpoint\": ..., \"max_retries\": ...}"));
    }
    Map<String, WebhookConfig.Subscription> subs = new LinkedHashMap<>();
    long retention = 0;
    for (Map.Entry<String, Object> e : o) {
      String key = e.getKey();
      if (key.equals("retry")) {
        if (!(e.getValue() instanceof JsonObject r)) {
          throw bad("webhooks.retry must be an object {\"retention_time\": seconds}");
        }
        retention = wholeNumber(r.getValue("retention_time"), "webhooks.retry.retention_time", 0);
        continue;
      }
      if (!(e.getValue() instanceof JsonObject s)) {
        throw bad("webhooks." + SentinelEndpoint.printable(key) + " must be an object {\"endpoint\": ..., \"max_retries\": ...}");
      }
      Object endpoint = s.getValue("endpoint");
      if (endpoint != null && !(endpoint instanceof String)) {
        throw bad("webhooks." + SentinelEndpoint.printable(key) + ".endpoint must be a string");
      }
      List<WebhookConfig.Header> headers = new ArrayList<>();
      Object h = s.getValue("headers");
      if (h != null) {
        if (!(h instanceof JsonArray list)) {
          throw bad("webhooks." + SentinelEndpoint.printable(key) + ".headers must be an array of {\"header_name\", \"header_value\"}");
        }
        for (Object x : list) {
          if (!(x instanceof JsonObject hdr) || !(hdr.getValue("header_name") instanceof String n) || !(hdr.getValue("header_value") instanceof String v)) {
            throw bad("webhooks." + SentinelEndpoint.printable(key) + ".headers must be an array of {\"header_name\": string, \"header_value\": string}");
          }
          headers.add(new WebhookConfig.Header(n, v));
        }
      }
      subs.put(key, new WebhookConfig.Subscription((String) endpoint,
          (int) wholeNumber(s.getValue("max_retries"), "webhooks." + SentinelEndpoint.printable(key) + ".max_retries", 0), headers));
    }
    return new WebhookConfig(subs, retention);
  }

  static JsonObject render(WebhookConfig c) {
    JsonObject o = new JsonObject();
    c.subscriptions().forEach((type, s) -> {
      JsonArray headers = new JsonArray();
      s.headers().forEach(h -> headers.add(new JsonObject().put("header_name", h.name()).put("header_value", h.value())));
      o.put(type, new JsonObject().put("endpoint", s.endpoint()).put("max_retries", s.maxRetries()).put("headers", headers));
    });
    return o.put("retry", new JsonObject().put("retention_time", c.retentionSeconds()));
  }

  private static long wholeNumber(Object v, String name, long dflt) {
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n) || n.doubleValue() != n.longValue() || Math.abs(n.longValue()) > Integer.MAX_VALUE) {
      throw bad(name + " must be a whole number");
    }
    return n.longValue();
  }

  private static ApiException bad(String message) {
    return new ApiException(ApiError.invalidRequest(message));
  }
}
