package dev.parley.persistence;

import dev.parley.contract.ChatMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;

/** Maps rows of the messages table (selected with {@link #COLUMNS}) to the contract's message shape. */
final class MessageRows {

  static final String COLUMNS =
      "room_id, seq, sender_id, client_msg_id, text, reply_to, created_at, edited_at, deleted_at, attachments";

  private MessageRows() {
  }

  static ChatMessage toMessage(Row row) {
    String roomId = String.valueOf(row.getLong("room_id"));
    long seq = row.getLong("seq");
    boolean deleted = row.getLong("deleted_at") != null;
    return new ChatMessage(ChatMessage.idOf(roomId, seq), roomId, seq, String.valueOf(row.getLong("sender_id")),
        deleted ? null : row.getString("text"), row.getLong("created_at"), row.getString("client_msg_id"),
        row.getLong("reply_to"), row.getLong("edited_at"), deleted, attachments(row, deleted));
  }

  /** The {@code attachments} column of a messages row: the metadata the message shows (null when none or deleted). */
  static JsonArray attachments(Row row, boolean deleted) {
    String json = row.getString("attachments");
    return deleted || json == null ? null : new JsonArray(json);
  }
}
