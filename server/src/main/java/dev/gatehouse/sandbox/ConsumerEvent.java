package dev.gatehouse.sandbox;

import dev.gatehouse.verifier.JsonText;
import java.util.List;

/**
 * An event a connector publishes for its consumer through SEND ({@code ms.PublishEvent}), already
 * read from the request: each renders the {@code event} object webhooks carry, in ASCII-only JSON.
 */
public sealed interface ConsumerEvent {
  /** The {@code event} object. */
  String json();

  /** Published events take a sequence number; chat states do not. */
  default boolean sequenced() {
    return true;
  }

  /** The webhook subscription this event's notification goes to. */
  String subscription();

  /**
   * A message. {@code messageJson} is the {@code message} value as JSON text (a string, or an object
   * for some content types), ASCII only; {@code text} is the message when it is a string, else null.
   */
  record Content(String contentType, String messageJson, String text) implements ConsumerEvent {
    @Override
    public String json() {
      return "{\"type\":\"ContentEvent\",\"contentType\":" + JsonText.quote(contentType) + ",\"message\":" + messageJson + "}";
    }

    @Override
    public String subscription() {
      return "ms.MessagingEventNotification.ContentEvent";
    }
  }

  /** Typing and presence: ACTIVE, INACTIVE, GONE, COMPOSING, PAUSE. */
  record ChatState(String state) implements ConsumerEvent {
    public static final List<String> STATES = List.of("ACTIVE", "INACTIVE", "GONE", "COMPOSING", "PAUSE");

    public ChatState {
      if (!STATES.contains(state)) {
        throw new IllegalArgumentException("chatState must be one of " + STATES);
      }
    }

    @Override
    public String json() {
      return "{\"type\":\"ChatStateEvent\",\"chatState\":\"" + state + "\"}";
    }

    @Override
    public boolean sequenced() {
      return false;
    }

    @Override
    public String subscription() {
      return "ms.MessagingEventNotification.ChatStateEvent";
    }
  }

  /** A receipt for the agent's messages named by their sequences: ACCEPT, READ, ACCESS, NACK, ACTION. */
  record AcceptStatus(String status, List<Integer> sequences) implements ConsumerEvent {
    public static final List<String> STATUSES = List.of("ACCEPT", "READ", "ACCESS", "NACK", "ACTION");

    public AcceptStatus {
      if (!STATUSES.contains(status)) {
        throw new IllegalArgumentException("status must be one of " + STATUSES);
      }
      if (sequences.isEmpty() || sequences.size() > 1000) {
        throw new IllegalArgumentException("sequenceList must name 1 to 1000 sequences");
      }
      sequences = List.copyOf(sequences);
    }

    @Override
    public String json() {
      StringBuilder b = new StringBuilder("{\"type\":\"AcceptStatusEvent\",\"status\":\"").append(status).append("\",\"sequenceList\":[");
      for (int i = 0; i < sequences.size(); i++) {
        b.append(i == 0 ? "" : ",").append(sequences.get(i));
      }
      return b.append("]}").toString();
    }

    @Override
    public String subscription() {
      return "ms.MessagingEventNotification.AcceptStatusEvent";
    }
  }
}
