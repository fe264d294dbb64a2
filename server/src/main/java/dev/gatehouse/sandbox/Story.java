package dev.gatehouse.sandbox;

import dev.gatehouse.apps.App;
import dev.gatehouse.apps.WebhookConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one request makes happen to a locked conversation, told event by event: each event takes
 * the conversation's next numbers, is kept, and owes a webhook delivery when the conversation's app
 * subscribes to its type. Ends as the {@link ConversationRepository.Change} the store writes in one
 * transaction. Not thread-safe; lives inside one change.
 */
final class Story {
  static final String CONSUMER = "CONSUMER";
  static final String AGENT = "ASSIGNED_AGENT";

  private Conversation conversation;
  private final App app;
  private final Instant now;
  private final List<ConversationEvent> events = new ArrayList<>();
  private final List<Delivery> deliveries = new ArrayList<>();

  /** @param app the conversation's app as it stands now, or null when it is gone (nothing is owed to it) */
  Story(Conversation conversation, App app, Instant now) {
    this.conversation = conversation;
    this.app = app;
    this.now = now;
  }

  Conversation conversation() {
    return conversation;
  }

  /** A messaging event by the consumer or the agent. @return its sequence, or null for an unsequenced one */
  Integer publish(String originatorId, String role, ConsumerEvent event) {
    Integer sequence = event.sequenced() ? conversation.nextSequence() : null;
    String change = Notifications.messagingChange(conversation, sequence, now, originatorId, role, event.json());
    keep(sequence, originatorId, role, event.subscription().substring(event.subscription().lastIndexOf('.') + 1), change, event.subscription(), Notifications.MESSAGING,
        sequence == null ? conversation.nextSequence() : conversation.nextSequence() + 1);
    return sequence;
  }

  void assignAgent(String agentId) {
    conversation = conversation.withAgent(agentId, now);
    announce(agentId, AGENT);
  }

  void close(String reason, String by, String role) {
    conversation = conversation.closed(reason, now);
    announce(by, role);
  }

  /** The conversation as it now stands, as a conversation change. */
  void announce(String by, String role) {
    keep(null, by, role, "ConversationChange", Notifications.conversationChange(conversation), WebhookConfig.EVENT_TYPES.get(4),
        Notifications.CONVERSATION, conversation.nextSequence());
  }

  private void keep(Integer sequence, String by, String role, String kind, String change, String subscription, String type, int nextSequence) {
    events.add(new ConversationEvent(conversation.id(), conversation.nextEvent(), sequence, now, by, role, kind, change));
    conversation = conversation.counted(nextSequence, conversation.nextEvent() + 1, now);
    WebhookConfig.Subscription s = app == null || !app.enabled() || app.webhooks() == null ? null : app.webhooks().forType(subscription);
    if (s != null) {
      deliveries.add(Delivery.owed(conversation.account(), conversation.clientId(), conversation.id(), subscription, s.endpoint(),
          Notifications.envelope(type, change, now), s.maxRetries(), now));
    }
  }

  <T> ConversationRepository.Change<T> end(T result) {
    return new ConversationRepository.Change<>(conversation, List.copyOf(events), List.copyOf(deliveries), result);
  }
}
