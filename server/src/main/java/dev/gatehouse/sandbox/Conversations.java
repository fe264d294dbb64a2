package dev.gatehouse.sandbox;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.App;
import dev.gatehouse.apps.AppDirectory;
import dev.gatehouse.apps.ClientId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The Send API's use cases, for a caller whose two tokens were already checked: open a
 * conversation (CONVERSATION), publish to it and close it (SEND); and the agent's side: the
 * scripted agent's answers and messages an operator sends by hand. Every change runs as one
 * {@link Story} on the locked conversation and is written with the webhooks it owes in one
 * transaction; then the dispatcher is woken.
 *
 * <p>A consumer may act only on its own conversations: same account, same consumer. Thread-safe;
 * every method blocks on the store, so call it off the event loop.
 */
public final class Conversations {
  /** Who acts: the account, the app whose AppJWT came, and the consumer of the ConsumerJWS. */
  public record Caller(AccountId account, ClientId clientId, String lpConsumerId) {}

  /** What a CONVERSATION request asks for: the skill ("-1": any) and the ttr name (NORMAL when null). */
  public record OpenRequest(String skillId, String ttrDefName) {
    public static final List<String> TTR = List.of("NORMAL", "URGENT", "PRIORITIZED", "CUSTOM");

    public OpenRequest {
      skillId = skillId == null ? "-1" : skillId;
      if (skillId.isEmpty() || skillId.length() > 64) {
        throw new IllegalArgumentException("skillId must be 1 to 64 characters");
      }
      ttrDefName = ttrDefName == null ? "NORMAL" : ttrDefName;
      if (!TTR.contains(ttrDefName)) {
        throw new IllegalArgumentException("ttrDefName must be one of " + TTR + " or null");
      }
    }
  }

  /** The word a consumer sends to have the echo agent close the conversation. */
  public static final String CLOSE_WORD = "#close";

  private final ConversationRepository conversations;
  private final AppDirectory apps;
  private final SandboxSettingsDirectory settings;
  private final Clock clock;
  private final Runnable delivered;

  /** @param owed called after a change that owes webhook deliveries was written */
  public Conversations(ConversationRepository conversations, AppDirectory apps, SandboxSettingsDirectory settings, Clock clock, Runnable owed) {
    this.conversations = conversations;
    this.apps = apps;
    this.settings = settings;
    this.clock = clock;
    this.delivered = owed;
  }

  /** The scripted agent of an account: one stable UUID per account. */
  public static String agentId(AccountId account) {
    return UUID.nameUUIDFromBytes(("gatehouse-sandbox-agent/" + account.value()).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /**
   * Opens a conversation for the caller's consumer, or returns the one it has open (so a client
   * that lost the answer and asks again gets the same id).
   */
  public Conversation open(Caller caller, OpenRequest request) {
    Instant now = clock.instant();
    Conversation fresh = new Conversation(UUID.randomUUID().toString(), caller.account(), caller.clientId(), caller.lpConsumerId(),
        request.skillId(), request.ttrDefName(), null, true, null, now, null, now, 0, 0);
    SandboxSettings.Agent agent = settings.of(caller.account()).agent();
    apps.findOrLoad(caller.clientId()); // made through another node a moment ago: known here before the change needs it
    Conversation c = conversations.open(fresh, conv -> {
      Story s = new Story(conv, app(conv), now);
      s.announce(caller.lpConsumerId(), Story.CONSUMER);
      if (agent != SandboxSettings.Agent.NONE) {
        s.assignAgent(agentId(conv.account()));
      }
      return s.end(null);
    });
    delivered.run();
    return c;
  }

  /**
   * Publishes the consumer's event, and the scripted agent's answer to it.
   *
   * @return the event's sequence, or null for a chat state
   * @throws SandboxRefused for another consumer's, an unknown or a closed conversation, or an
   *     AcceptStatus naming sequences the conversation does not have
   */
  public Integer publish(Caller caller, String conversationId, ConsumerEvent event) {
    SandboxSettings.Agent agent = settings.of(caller.account()).agent();
    apps.findOrLoad(caller.clientId());
    Integer sequence = change(caller, conversationId, s -> {
      if (event instanceof ConsumerEvent.AcceptStatus a) {
        for (int q : a.sequences()) {
          if (q < 0 || q >= s.conversation().nextSequence()) {
            throw SandboxRefused.badRequest("sequenceList names sequence " + q + ", which this conversation does not have (it has 0 to "
                + (s.conversation().nextSequence() - 1) + ")");
          }
        }
      }
      Integer seq = s.publish(caller.lpConsumerId(), Story.CONSUMER, event);
      answer(s, agent, event, seq);
      return seq;
    });
    delivered.run();
    return sequence;
  }

  /** The scripted agent's reaction to a consumer event. */
  private static void answer(Story s, SandboxSettings.Agent agent, ConsumerEvent event, Integer seq) {
    if (agent == SandboxSettings.Agent.NONE || !(event instanceof ConsumerEvent.Content c)) {
      return;
    }
    String agentId = agentId(s.conversation().account());
    if (s.conversation().agentId() == null) {
      s.assignAgent(agentId);
    }
    s.publish(agentId, Story.AGENT, new ConsumerEvent.AcceptStatus("READ", List.of(seq)));
    if (agent != SandboxSettings.Agent.ECHO) {
      return;
    }
    if (c.text() != null && c.text().strip().toLowerCase(Locale.ROOT).equals(CLOSE_WORD)) {
      s.close("AGENT", agentId, Story.AGENT);
      return;
    }
    s.publish(agentId, Story.AGENT, new ConsumerEvent.ChatState("COMPOSING"));
    s.publish(agentId, Story.AGENT, new ConsumerEvent.Content(c.contentType(), c.messageJson(), c.text()));
  }

  /** Closes the conversation at the consumer's request. @throws SandboxRefused as {@link #publish} */
  public void close(Caller caller, String conversationId) {
    apps.findOrLoad(caller.clientId());
    change(caller, conversationId, s -> {
      s.close("CONSUMER", caller.lpConsumerId(), Story.CONSUMER);
      return null;
    });
    delivered.run();
  }

  /**
   * A conversation field that changes nothing here (a CSAT rating): the consumer must still own the
   * open conversation. @throws SandboxRefused as {@link #publish}
   */
  public void acknowledge(Caller caller, String conversationId) {
    change(caller, conversationId, s -> null);
  }

  /**
   * An agent message sent by hand (admin API): assigns the account's agent first if none is.
   *
   * @return the message's sequence, or empty if the account has no such conversation
   * @throws IllegalStateException when the conversation is closed
   */
  public Optional<Integer> agentMessage(AccountId account, String conversationId, String text) {
    ConsumerEvent.Content content = new ConsumerEvent.Content("text/plain", dev.gatehouse.verifier.JsonText.quote(text), text);
    Instant now = clock.instant();
    conversations.find(conversationId).ifPresent(c -> apps.findOrLoad(c.clientId()));
    Optional<Integer> seq = conversations.change(conversationId, conv -> {
      if (!conv.account().equals(account)) {
        return null;
      }
      if (!conv.open()) {
        throw new IllegalStateException("conversation " + conversationId + " is closed; an agent cannot write to it");
      }
      Story s = new Story(conv, app(conv), now);
      String agentId = agentId(account);
      if (conv.agentId() == null) {
        s.assignAgent(agentId);
      }
      return s.end(s.publish(agentId, Story.AGENT, content));
    });
    delivered.run();
    return seq;
  }

  /** A change's result, which may itself be null. */
  private record Done<T>(T value) {}

  private <T> T change(Caller caller, String conversationId, java.util.function.Function<Story, T> work) {
    Instant now = clock.instant();
    return conversations.<Done<T>>change(conversationId, conv -> {
      if (!conv.account().equals(caller.account()) || !conv.lpConsumerId().equals(caller.lpConsumerId())) {
        throw SandboxRefused.notYours();
      }
      if (!conv.open()) {
        throw SandboxRefused.badRequest("Conversation is close");
      }
      Story s = new Story(conv, app(conv), now);
      T result = work.apply(s);
      return s.end(new Done<>(result));
    }).orElseThrow(() -> SandboxRefused.badRequest("there is no conversation " + conversationId)).value();
  }

  /** The conversation's app as this node holds it (memory only: it runs inside the store's transaction). */
  private App app(Conversation c) {
    return apps.find(c.clientId()).orElse(null);
  }

  /** The account's conversation, or empty (also for another account's). */
  public Optional<Conversation> find(AccountId account, String conversationId) {
    return conversations.find(conversationId).filter(c -> c.account().equals(account));
  }

  public List<Conversation> list(AccountId account, Instant before, String beforeId, int limit) {
    return conversations.list(account, before, beforeId, limit);
  }

  public List<ConversationEvent> events(String conversationId, int from, int limit) {
    return conversations.events(conversationId, from, limit);
  }
}
