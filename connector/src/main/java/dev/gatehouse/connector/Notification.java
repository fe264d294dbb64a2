package dev.gatehouse.connector;

import java.util.List;
import java.util.Map;

/**
 * One webhook notification, parsed: the vendor's envelope {@code {"kind":"notification","body":
 * {"changes":[...]},"type":...}} with its first change (every notification carries one) as one of
 * these types. {@code json} is the whole change, for what the types leave out.
 */
public sealed interface Notification {
  /** The conversation the change is about. */
  String conversationId();

  /** The change as received. */
  Map<String, Object> json();

  /** Who published a messaging event: its id and role (CONSUMER, ASSIGNED_AGENT, ...). */
  record Originator(String id, String role) {}

  /** A message. {@code message} is the text, or null when the message is not a string ({@code json} has it). */
  record Content(String conversationId, Integer sequence, Long serverTimestamp, Originator originator, String contentType, String message,
      Map<String, Object> json) implements Notification {}

  record AcceptStatus(String conversationId, Integer sequence, Long serverTimestamp, Originator originator, String status, List<Integer> sequences,
      Map<String, Object> json) implements Notification {}

  record ChatState(String conversationId, Originator originator, String chatState, Map<String, Object> json) implements Notification {}

  /** A participant of a conversation. */
  record Participant(String id, String role) {}

  /** {@code cqm.ExConversationChangeNotification}: the conversation as it now stands. */
  record ConversationChange(String conversationId, String state, String stage, String closeReason, String skillId, List<Participant> participants,
      Map<String, Object> json) implements Notification {
    /** Over for good: conversation and stage closed (a main dialog closed into a survey is not). */
    public boolean closed() {
      return "CLOSE".equals(state) && (stage == null || "CLOSE".equals(stage));
    }
  }

  /** A type this kit does not model (e.g. RichContentEvent): the change as received. */
  record Other(String conversationId, String type, Map<String, Object> json) implements Notification {}

  /** @throws IllegalArgumentException when the bytes are not a notification */
  static Notification parse(String body) {
    Map<String, Object> envelope = Json.object(body);
    String type = Json.string(envelope, "type");
    List<Object> changes = Json.list(Json.map(envelope.get("body")).get("changes"));
    if (type == null || changes.isEmpty()) {
      throw new IllegalArgumentException("not a notification: no type or no changes");
    }
    Map<String, Object> c = Json.map(changes.get(0));
    if (type.equals("cqm.ExConversationChangeNotification")) {
      Map<String, Object> result = Json.map(c.get("result"));
      Map<String, Object> d = Json.map(result.get("conversationDetails"));
      List<Participant> ps = Json.list(d.get("participants")).stream()
          .map(p -> new Participant(Json.string(Json.map(p), "id"), Json.string(Json.map(p), "role"))).toList();
      return new ConversationChange(Json.string(result, "convId"), Json.string(d, "state"), Json.string(d, "stage"), Json.string(d, "closeReason"),
          Json.string(d, "skillId"), ps, c);
    }
    Map<String, Object> event = Json.map(c.get("event"));
    String conv = Json.string(c, "conversationId") != null ? Json.string(c, "conversationId") : Json.string(c, "dialogId");
    Map<String, Object> meta = Json.map(c.get("originatorMetadata"));
    Originator who = new Originator(Json.string(c, "originatorId"), Json.string(meta, "role"));
    String eventType = Json.string(event, "type");
    if ("ContentEvent".equals(eventType)) {
      return new Content(conv, Json.integer(c, "sequence"), Json.longValue(c, "serverTimestamp"), who, Json.string(event, "contentType"),
          Json.string(event, "message"), c);
    }
    if ("AcceptStatusEvent".equals(eventType)) {
      List<Integer> seqs = Json.list(event.get("sequenceList")).stream().filter(Number.class::isInstance).map(n -> ((Number) n).intValue()).toList();
      return new AcceptStatus(conv, Json.integer(c, "sequence"), Json.longValue(c, "serverTimestamp"), who, Json.string(event, "status"), seqs, c);
    }
    if ("ChatStateEvent".equals(eventType)) {
      return new ChatState(conv, who, Json.string(event, "chatState"), c);
    }
    return new Other(conv, eventType == null ? type : eventType, c);
  }
}
