package dev.parley.persistence;

import dev.parley.contract.ChatMessage;
import dev.parley.contract.MessageEvent;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/**
 * Appends to the outbox (message_events) inside the caller's transaction: a change and its event commit or roll
 * back together. One multi-row INSERT per call, so a send batch pays one statement for all its events.
 */
final class Outbox {

  private static final String INSERT = "INSERT INTO message_events (room_id, seq, kind, created_at) VALUES %s";
  private static final String INSERT_BY =
      "INSERT INTO message_events (room_id, seq, kind, created_at, actor_id, detail) VALUES (?, ?, ?, ?, ?, ?)";

  private Outbox() {
  }

  /**
   * One {@code kind} event per message (messages of any rooms). A plain-text statement: its values are numbers
   * and one of three fixed words, so nothing needs escaping, and a prepared statement per batch size would
   * only churn the connection's statement cache (batch sizes vary from 1 to 500) and cost a PREPARE each time.
   */
  static Future<?> append(SqlClient connection, List<ChatMessage> messages, String kind, long at) {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("unknown event kind " + kind);
    }
    StringBuilder sql = new StringBuilder(64 + messages.size() * 40)
        .append("INSERT INTO message_events (room_id, seq, kind, created_at) VALUES ");
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage message = messages.get(i);
      if (i > 0) {
        sql.append(',');
      }
      sql.append('(').append(Long.parseLong(message.roomId())).append(',').append(message.seq()).append(",'")
          .append(kind).append("',").append(at).append(')');
    }
    return connection.query(sql.toString()).execute();
  }

  /** One event for one message. */
  static Future<?> append(SqlClient connection, long roomId, long seq, String kind, long at) {
    return connection.preparedQuery(INSERT.formatted("(?, ?, ?, ?)")).execute(Tuple.of(roomId, seq, kind, at));
  }

  /** One event of a user's action on a message (issue 13: a reaction, a pin): who, and what ({@code detail}). */
  static Future<?> append(SqlClient connection, long roomId, long seq, String kind, long at, long actorId,
      io.vertx.core.json.JsonObject detail) {
    return connection.preparedQuery(INSERT_BY)
        .execute(Tuple.of(roomId, seq, kind, at, actorId, detail == null ? null : detail.encode()));
  }

  private static final java.util.Set<String> KINDS =
      java.util.Set.of(MessageEvent.CREATED, MessageEvent.EDITED, MessageEvent.DELETED);

  static final String CREATED = MessageEvent.CREATED;
  static final String EDITED = MessageEvent.EDITED;
  static final String DELETED = MessageEvent.DELETED;
}
