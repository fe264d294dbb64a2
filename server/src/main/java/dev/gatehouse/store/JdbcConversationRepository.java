package dev.gatehouse.store;

import dev.gatehouse.accounts.AccountId;
import dev.gatehouse.apps.ClientId;
import dev.gatehouse.sandbox.Conversation;
import dev.gatehouse.sandbox.ConversationEvent;
import dev.gatehouse.sandbox.ConversationRepository;
import dev.gatehouse.sandbox.Delivery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Sandbox conversations in {@code sandbox_conversations}, their events in {@code sandbox_events},
 * the deliveries they owe in {@code sandbox_deliveries}. A change locks the conversation's row
 * ({@code SELECT ... FOR UPDATE}), so changes to one conversation take turns on every node. Changes
 * are written through a {@link GroupCommit}: one writer per node, concurrent changes in one
 * transaction, each answered after its commit. Thread-safe.
 */
public final class JdbcConversationRepository implements ConversationRepository, AutoCloseable {
  private static final String COLUMNS = "conversation_id, account_id, client_id, lp_consumer_id, skill_id, ttr_type, agent_id, state,"
      + " close_reason, started_at, ended_at, updated_at, next_sequence, next_event";
  /** Changes waiting for the writer at most: past that a change is refused (503) rather than queued. */
  private static final int QUEUE = 4096;
  private final Jdbc jdbc;
  private final GroupCommit<Request> writes;

  public JdbcConversationRepository(Database db) {
    this.jdbc = new Jdbc(db);
    this.writes = new GroupCommit<>(db, "conversation", QUEUE, JdbcConversationRepository::writeBatch);
  }

  @Override
  public Optional<Conversation> find(String id) {
    return jdbc.query("SELECT " + COLUMNS + " FROM sandbox_conversations WHERE conversation_id = ?", ps -> ps.setString(1, id),
        JdbcConversationRepository::row).stream().findFirst();
  }

  /** The consumer has an open conversation already: the opening transaction is rolled back. */
  private static final class AlreadyOpen extends RuntimeException {
    AlreadyOpen() {
      super(null, null, false, false);
    }
  }

  @Override
  public Conversation open(Conversation fresh, Function<Conversation, Change<Void>> first) {
    try {
      return jdbc.transaction(c -> insertOpen(c, fresh, first));
    } catch (AlreadyOpen e) {
      // the consumer's open conversation is read below
    }
    List<String> open = jdbc.query("SELECT conversation_id FROM sandbox_open_conversations WHERE account_id = ? AND lp_consumer_id = ?", ps -> {
      ps.setString(1, fresh.account().value());
      ps.setString(2, fresh.lpConsumerId());
    }, rs -> rs.getString(1));
    if (open.isEmpty()) {
      return open(fresh, first); // closed in between: open a new one
    }
    return find(open.get(0)).orElseThrow(() -> new StoreException("open conversation " + open.get(0) + " is missing", null));
  }

  private static Conversation insertOpen(Connection c, Conversation fresh, Function<Conversation, Change<Void>> first) throws SQLException {
    {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO sandbox_open_conversations (account_id, lp_consumer_id, conversation_id) VALUES (?, ?, ?)")) {
        ps.setString(1, fresh.account().value());
        ps.setString(2, fresh.lpConsumerId());
        ps.setString(3, fresh.id());
        ps.executeUpdate();
      } catch (SQLException e) {
        if (Jdbc.UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw new AlreadyOpen();
        }
        throw e;
      }
      Change<Void> change = first.apply(fresh);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO sandbox_conversations (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        bind(ps, change.conversation());
        ps.executeUpdate();
      }
      write(c, change);
      return change.conversation();
    }
  }

  /** A change's own exception, carried out of the shared transaction: the change wrote nothing, the others of its batch stand. */
  private record Refusal(RuntimeException e) {}

  /** A change waiting for the writer: the conversation and what to do to it. */
  private record Request(String id, Function<Conversation, ? extends Change<?>> change) {}

  /**
   * Changes go through the group commit: concurrent changes (of different conversations, or in
   * turn of one) share a transaction, and each caller is answered after that commit. A change that
   * throws has written nothing (changes run before the writes), so its exception is carried out
   * rather than failing the batch.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> Optional<T> change(String id, Function<Conversation, Change<T>> change) {
    Object out = writes.run(id, new Request(id, change));
    if (out instanceof Refusal r) {
      throw r.e();
    }
    return (Optional<T>) out;
  }

  /**
   * Writes a batch of changes in five statements whatever its size: locks and reads its
   * conversations (in id order: the batch's order, so two nodes cannot deadlock), runs the changes
   * in turn on them (a later change of one conversation sees the earlier one's result), then
   * writes the conversations that changed, the open-conversation rows of those closed, and all new
   * events and deliveries, each as one batched statement.
   */
  private static void writeBatch(Connection c, List<GroupCommit.Pending<Request>> batch) throws SQLException {
    java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
    for (GroupCommit.Pending<Request> p : batch) {
      ids.add(p.request.id());
    }
    java.util.Map<String, Conversation> before = lock(c, ids);
    java.util.Map<String, Conversation> now = new java.util.HashMap<>(before);
    List<ConversationEvent> events = new java.util.ArrayList<>();
    List<Delivery> deliveries = new java.util.ArrayList<>();
    java.util.Set<String> touched = new java.util.LinkedHashSet<>(); // the rows are locked already: any order will do
    for (GroupCommit.Pending<Request> p : batch) {
      Conversation cur = now.get(p.request.id());
      if (cur == null) {
        p.answer(Optional.empty());
        continue;
      }
      Change<?> done;
      try {
        done = p.request.change().apply(cur);
      } catch (RuntimeException e) {
        p.answer(new Refusal(e));
        continue;
      }
      if (done == null) {
        p.answer(Optional.empty());
        continue;
      }
      now.put(cur.id(), done.conversation());
      touched.add(cur.id());
      events.addAll(done.events());
      deliveries.addAll(done.deliveries());
      p.answer(Optional.ofNullable(done.result()));
    }
    List<Conversation> changed = new java.util.ArrayList<>();
    List<Conversation> closed = new java.util.ArrayList<>();
    for (String id : touched) {
      Conversation was = before.get(id);
      Conversation is = now.get(id);
      changed.add(is);
      if (was.open() && !is.open()) {
        closed.add(was);
      }
    }
    if (!changed.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE sandbox_conversations SET agent_id = ?, state = ?, close_reason = ?, ended_at = ?,"
          + " updated_at = ?, next_sequence = ?, next_event = ? WHERE conversation_id = ?")) {
        for (Conversation n : changed) {
          ps.setString(1, n.agentId());
          ps.setString(2, n.open() ? "OPEN" : "CLOSE");
          ps.setString(3, n.closeReason());
          Jdbc.setInstant(ps, 4, n.endedAt());
          ps.setLong(5, n.updatedAt().toEpochMilli());
          ps.setInt(6, n.nextSequence());
          ps.setInt(7, n.nextEvent());
          ps.setString(8, n.id());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    if (!closed.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM sandbox_open_conversations WHERE account_id = ? AND lp_consumer_id = ? AND conversation_id = ?")) {
        for (Conversation was : closed) {
          ps.setString(1, was.account().value());
          ps.setString(2, was.lpConsumerId());
          ps.setString(3, was.id());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    insertEvents(c, events);
    JdbcDeliveryRepository.insert(c, deliveries);
  }

  /** Reads and locks the conversations there are of {@code ids}, in id order. */
  private static java.util.Map<String, Conversation> lock(Connection c, java.util.Collection<String> asked) throws SQLException {
    List<String> ids = Jdbc.padded(List.copyOf(asked));
    String in = Jdbc.placeholders(ids.size());
    java.util.Map<String, Conversation> out = new java.util.HashMap<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM sandbox_conversations WHERE conversation_id IN (" + in + ")"
        + " ORDER BY conversation_id FOR UPDATE")) {
      int i = 1;
      for (String id : ids) {
        ps.setString(i++, id);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Conversation conv = row(rs);
          out.put(conv.id(), conv);
        }
      }
    }
    return out;
  }

  /** Transactions the writer committed (tests: how changes were batched). */
  long commits() {
    return writes.commits();
  }

  /** Changes waiting for the writer. */
  int queued() {
    return writes.queued();
  }

  /** Answers changes still queued with a failure, after the batch in hand is written. */
  @Override
  public void close() {
    writes.close();
  }

  private static void write(Connection c, Change<?> change) throws SQLException {
    insertEvents(c, change.events());
    JdbcDeliveryRepository.insert(c, change.deliveries());
  }

  private static void insertEvents(Connection c, List<ConversationEvent> events) throws SQLException {
    if (!events.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO sandbox_events (conversation_id, event_no, seq, occurred_at, originator_id,"
          + " originator_role, kind, change_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (ConversationEvent e : events) {
          ps.setString(1, e.conversationId());
          ps.setInt(2, e.eventNo());
          if (e.sequence() == null) {
            ps.setNull(3, java.sql.Types.INTEGER);
          } else {
            ps.setInt(3, e.sequence());
          }
          ps.setLong(4, e.at().toEpochMilli());
          ps.setString(5, e.originatorId());
          ps.setString(6, e.role());
          ps.setString(7, e.kind());
          ps.setString(8, e.changeJson());
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
  }

  /**
   * A page of an account's conversations, newest first, after the previous page's last (its start
   * and id): conversations that started in the same millisecond as it are neither skipped nor
   * repeated. The index (V15) holds the whole order, so H2 reads it backwards from the cursor
   * ({@code started_at <= ?} bounds the range) and stops at the page's end.
   */
  static final String LIST_PAGE = "SELECT " + COLUMNS + " FROM sandbox_conversations WHERE account_id = ? AND started_at <= ?"
      + " AND (started_at < ? OR (started_at = ? AND conversation_id < ?))"
      + " ORDER BY account_id DESC, started_at DESC, conversation_id DESC LIMIT ?";

  @Override
  public List<Conversation> list(AccountId account, Instant before, String beforeId, int limit) {
    long at = before == null ? Long.MAX_VALUE : before.toEpochMilli();
    return jdbc.query(LIST_PAGE, ps -> {
      ps.setString(1, account.value());
      ps.setLong(2, at);
      ps.setLong(3, at);
      ps.setLong(4, at);
      ps.setString(5, beforeId == null ? "" : beforeId); // nothing sorts before the empty id
      ps.setInt(6, limit);
    }, JdbcConversationRepository::row);
  }

  /**
   * A page of a conversation's events. Ordered by the key's both columns (the conversation is
   * fixed), which H2 reads in order from the key and stops at the page's end; ordered by event_no
   * alone it read and sorted all the conversation's later events at every page.
   */
  static final String EVENTS_PAGE = "SELECT conversation_id, event_no, seq, occurred_at, originator_id, originator_role, kind, change_json FROM sandbox_events"
      + " WHERE conversation_id = ? AND event_no >= ? ORDER BY conversation_id, event_no LIMIT ?";

  @Override
  public List<ConversationEvent> events(String conversationId, int from, int limit) {
    return jdbc.query(EVENTS_PAGE, ps -> {
          ps.setString(1, conversationId);
          ps.setInt(2, from);
          ps.setInt(3, limit);
        }, rs -> {
          int seq = rs.getInt(3);
          Integer sequence = rs.wasNull() ? null : seq;
          return new ConversationEvent(rs.getString(1), rs.getInt(2), sequence, Instant.ofEpochMilli(rs.getLong(4)), rs.getString(5),
              rs.getString(6), rs.getString(7), rs.getString(8));
        });
  }

  @Override
  public int purge(Instant cutoff) {
    return jdbc.transaction(c -> {
      long t = cutoff.toEpochMilli();
      String old = "SELECT conversation_id FROM sandbox_conversations WHERE started_at < ?";
      for (String sql : List.of("DELETE FROM sandbox_events WHERE conversation_id IN (" + old + ")",
          "DELETE FROM sandbox_open_conversations WHERE conversation_id IN (" + old + ")")) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setLong(1, t);
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM sandbox_conversations WHERE started_at < ?")) {
        ps.setLong(1, t);
        return ps.executeUpdate();
      }
    });
  }

  private static void bind(PreparedStatement ps, Conversation c) throws SQLException {
    ps.setString(1, c.id());
    ps.setString(2, c.account().value());
    ps.setString(3, c.clientId().value());
    ps.setString(4, c.lpConsumerId());
    ps.setString(5, c.skillId());
    ps.setString(6, c.ttrType());
    ps.setString(7, c.agentId());
    ps.setString(8, c.open() ? "OPEN" : "CLOSE");
    ps.setString(9, c.closeReason());
    ps.setLong(10, c.startedAt().toEpochMilli());
    Jdbc.setInstant(ps, 11, c.endedAt());
    ps.setLong(12, c.updatedAt().toEpochMilli());
    ps.setInt(13, c.nextSequence());
    ps.setInt(14, c.nextEvent());
  }

  private static Conversation row(ResultSet rs) throws SQLException {
    return new Conversation(rs.getString(1), new AccountId(rs.getString(2)), new ClientId(rs.getString(3)), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getString(7), "OPEN".equals(rs.getString(8)), rs.getString(9), Instant.ofEpochMilli(rs.getLong(10)),
        Jdbc.instant(rs, 11), Instant.ofEpochMilli(rs.getLong(12)), rs.getInt(13), rs.getInt(14));
  }
}
