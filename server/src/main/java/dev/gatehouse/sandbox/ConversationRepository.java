package dev.gatehouse.sandbox;

import dev.gatehouse.accounts.AccountId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where conversations and their events are kept. A change to a conversation is made under a lock
 * on it, on every node at once: the store reads the conversation, locks it, hands it to the change
 * (pure: no I/O), and writes what the change returns (the conversation, its new events and the
 * deliveries they owe) in one transaction. So sequences are gap-free and ordered across nodes, and
 * what a 2xx acknowledged, webhooks owed included, is on disk. Implementations are thread-safe.
 */
public interface ConversationRepository {
  /** What a change writes, and what it hands back to its caller. */
  record Change<T>(Conversation conversation, List<ConversationEvent> events, List<Delivery> deliveries, T result) {}

  Optional<Conversation> find(String id);

  /**
   * Opens {@code fresh} unless its consumer already has an open conversation on its account; then
   * nothing is written and that one is returned. Otherwise {@code first} makes the opening events.
   */
  Conversation open(Conversation fresh, Function<Conversation, Change<Void>> first);

  /**
   * Runs {@code change} on the conversation, locked, and writes its result; an exception from it
   * writes nothing and is thrown on, and a null from it writes nothing.
   *
   * @return empty if there is no such conversation, or the change returned null
   */
  <T> Optional<T> change(String id, Function<Conversation, Change<T>> change);

  /**
   * One page of an account's conversations, newest first (by start, then by id): those that come
   * after the previous page's last, which started at {@code before} and has the id {@code
   * beforeId} (both null: from the newest; {@code beforeId} null: those started before {@code
   * before}).
   */
  List<Conversation> list(AccountId account, Instant before, String beforeId, int limit);

  /** Events of a conversation from number {@code from}, in order. */
  List<ConversationEvent> events(String conversationId, int from, int limit);

  /** Forgets conversations started before {@code cutoff}, with their events. @return how many */
  int purge(Instant cutoff);
}
