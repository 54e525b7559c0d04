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

  private Outbox() {
  }

  /** One {@code kind} event per message (messages of any rooms). */
  static Future<?> append(SqlClient connection, List<ChatMessage> messages, String kind, long at) {
    Tuple args = Tuple.tuple();
    for (ChatMessage message : messages) {
      args.addLong(Long.parseLong(message.roomId())).addLong(message.seq()).addString(kind).addLong(at);
    }
    return connection.preparedQuery(INSERT.formatted(SendBatcher.placeholders(messages.size(), 4))).execute(args);
  }

  /** One event for one message. */
  static Future<?> append(SqlClient connection, long roomId, long seq, String kind, long at) {
    return connection.preparedQuery(INSERT.formatted("(?, ?, ?, ?)")).execute(Tuple.of(roomId, seq, kind, at));
  }

  static final String CREATED = MessageEvent.CREATED;
  static final String EDITED = MessageEvent.EDITED;
  static final String DELETED = MessageEvent.DELETED;
}
