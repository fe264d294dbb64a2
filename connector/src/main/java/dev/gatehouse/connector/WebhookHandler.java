package dev.gatehouse.connector;

import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Plugs {@link WebhookVerifier} into any HTTP server: give it the request's headers and body bytes,
 * answer with the status it returns. 200 for a notification verified and handed to the listener;
 * 400/401 for one refused; 500 when the listener threw (the platform then retries, so the
 * listener should be idempotent: deliveries are at least once). Thread-safe if the listener is.
 */
public final class WebhookHandler {
  private final WebhookVerifier verifier;
  private final Consumer<Notification> listener;

  public WebhookHandler(WebhookVerifier verifier, Consumer<Notification> listener) {
    this.verifier = verifier;
    this.listener = listener;
  }

  /** @return the HTTP status to answer with */
  public int handle(Function<String, String> header, byte[] body) {
    Notification n;
    try {
      n = verifier.verify(header, body);
    } catch (WebhookVerifier.Rejected e) {
      return e.status();
    }
    try {
      listener.accept(n);
      return 200;
    } catch (RuntimeException e) {
      return 500;
    }
  }
}
