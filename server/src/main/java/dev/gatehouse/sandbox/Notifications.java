package dev.gatehouse.sandbox;

import dev.gatehouse.verifier.JsonText;
import java.time.Instant;

/**
 * The webhook bodies, in the vendor's shapes: {@code {"kind":"notification","body":{"changes":[..]},"type":T}}
 * with one change each. Written by hand in ASCII-only JSON (non-ASCII as {@code \\uXXXX}), so the
 * bytes signed are the bytes sent and read the same in any charset.
 */
final class Notifications {
  static final String MESSAGING = "ms.MessagingEventNotification";
  static final String CONVERSATION = "cqm.ExConversationChangeNotification";

  private Notifications() {}

  /** One messaging change: sequence and serverTimestamp only for sequenced events. */
  static String messagingChange(Conversation c, Integer sequence, Instant at, String originatorId, String role, String eventJson) {
    StringBuilder b = new StringBuilder(256 + eventJson.length()).append('{');
    if (sequence != null) {
      b.append("\"sequence\":").append(sequence).append(",\"serverTimestamp\":").append(at.toEpochMilli()).append(',');
    }
    b.append("\"originatorId\":").append(JsonText.quote(originatorId))
        .append(",\"originatorMetadata\":{\"id\":").append(JsonText.quote(originatorId)).append(",\"role\":\"").append(role).append("\"}")
        .append(",\"event\":").append(eventJson)
        .append(",\"dialogId\":").append(JsonText.quote(c.id()))
        .append(",\"conversationId\":").append(JsonText.quote(c.id()))
        .append('}');
    return b.toString();
  }

  /** One conversation change: an UPSERT of the conversation as it now stands. */
  static String conversationChange(Conversation c) {
    StringBuilder b = new StringBuilder(900);
    b.append("{\"type\":\"UPSERT\",\"result\":{\"convId\":").append(JsonText.quote(c.id()))
        .append(",\"effectiveTTR\":-1,\"conversationDetails\":{\"participants\":[")
        .append("{\"id\":").append(JsonText.quote(c.lpConsumerId())).append(",\"role\":\"CONSUMER\"}");
    if (c.agentId() != null) {
      b.append(",{\"id\":").append(JsonText.quote(c.agentId())).append(",\"role\":\"ASSIGNED_AGENT\"}");
    }
    String state = c.open() ? "OPEN" : "CLOSE";
    b.append("],\"dialogs\":[{\"dialogId\":").append(JsonText.quote(c.id())).append(",\"participantsDetails\":[")
        .append("{\"id\":").append(JsonText.quote(c.lpConsumerId())).append(",\"role\":\"CONSUMER\",\"state\":\"ACTIVE\"}");
    if (c.agentId() != null) {
      b.append(",{\"id\":").append(JsonText.quote(c.agentId())).append(",\"role\":\"ASSIGNED_AGENT\",\"state\":\"ACTIVE\"}");
    }
    b.append("],\"dialogType\":\"MAIN\",\"channelType\":\"MESSAGING\",\"metaData\":{\"appInstallId\":").append(JsonText.quote(c.clientId().value()))
        .append("},\"state\":\"").append(state).append("\",\"creationTs\":").append(c.startedAt().toEpochMilli());
    if (!c.open()) {
      b.append(",\"endTs\":").append(c.endedAt().toEpochMilli()).append(",\"closedBy\":\"").append(c.closeReason()).append('"');
    }
    b.append("}],\"brandId\":").append(JsonText.quote(c.account().value()))
        .append(",\"skillId\":").append(JsonText.quote(c.skillId()))
        .append(",\"state\":\"").append(state).append("\",\"stage\":\"").append(state).append('"');
    if (!c.open()) {
      b.append(",\"closeReason\":\"").append(c.closeReason()).append("\",\"endTs\":").append(c.endedAt().toEpochMilli());
    }
    b.append(",\"startTs\":").append(c.startedAt().toEpochMilli())
        .append(",\"metaDataLastUpdateTs\":").append(c.updatedAt().toEpochMilli())
        .append(",\"ttr\":{\"ttrType\":\"").append(c.ttrType()).append("\",\"value\":").append(ttrSeconds(c.ttrType())).append('}')
        .append("}}}");
    return b.toString();
  }

  static String envelope(String type, String change, Instant sentAt) {
    StringBuilder b = new StringBuilder(64 + change.length()).append("{\"kind\":\"notification\",\"body\":{");
    if (type.equals(CONVERSATION)) {
      b.append("\"sentTs\":").append(sentAt.toEpochMilli()).append(',');
    }
    return b.append("\"changes\":[").append(change).append("]},\"type\":\"").append(type).append("\"}").toString();
  }

  private static int ttrSeconds(String ttrType) {
    return switch (ttrType) {
      case "URGENT" -> 300;
      case "PRIORITIZED" -> 600;
      default -> 3600;
    };
  }
}
