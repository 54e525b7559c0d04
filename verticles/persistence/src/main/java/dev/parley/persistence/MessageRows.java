package dev.parley.persistence;

import dev.parley.contract.ChatMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

/** Maps rows of the messages table (selected with {@link #COLUMNS}) to the contract's message shape. */
final class MessageRows {

  static final String COLUMNS =
      "room_id, seq, sender_id, client_msg_id, text, reply_to, created_at, edited_at, deleted_at, attachments,"
          + " thread_root, thread_replies, thread_last_reply_ts, thread_participants, reactions, sender_bot";

  private MessageRows() {
  }

  static ChatMessage toMessage(Row row) {
    String roomId = String.valueOf(row.getLong("room_id"));
    long seq = row.getLong("seq");
    boolean deleted = row.getLong("deleted_at") != null;
    return new ChatMessage(ChatMessage.idOf(roomId, seq), roomId, seq, String.valueOf(row.getLong("sender_id")),
        deleted ? null : row.getString("text"), row.getLong("created_at"), row.getString("client_msg_id"),
        row.getLong("reply_to"), row.getLong("edited_at"), deleted, attachments(row, deleted),
        row.getLong("thread_root"), thread(row), json(row.getString("reactions")), row.getBoolean("sender_bot"));
  }

  /** A root's summary {@code {replies, lastReplyTs, participants}}; null before its first reply. */
  static JsonObject thread(Row row) {
    Integer replies = row.getInteger("thread_replies");
    if (replies == null || replies == 0) {
      return null;
    }
    return thread(replies, row.getLong("thread_last_reply_ts"), json(row.getString("thread_participants")));
  }

  static JsonObject thread(int replies, Long lastReplyTs, JsonArray participants) {
    return new JsonObject().put("replies", replies).put("lastReplyTs", lastReplyTs)
        .put("participants", participants == null ? new JsonArray() : participants);
  }

  /** The {@code attachments} column of a messages row: the metadata the message shows (null when none or deleted). */
  static JsonArray attachments(Row row, boolean deleted) {
    return deleted ? null : json(row.getString("attachments"));
  }

  private static JsonArray json(String json) {
    return json == null ? null : new JsonArray(json);
  }
}
