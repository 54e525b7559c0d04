package dev.parley.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A committed chat message as clients see it (CONTRACT.md "A message"). Ids travel as strings; {@code seq} is
 * the per-room sequence number assigned in the transaction that stored the message. A message's id is
 * {@code "<roomId>-<seq>"}: unique everywhere and stable across shards. {@code attachments} (null when none)
 * holds {@code [{id, name, contentType, size, width?, height?}]}; a tombstone shows none.
 */
public record ChatMessage(
    String id,
    String roomId,
    long seq,
    String senderId,
    String text,
    long ts,
    String clientMsgId,
    Long replyTo,
    Long editedAt,
    boolean deleted,
    JsonArray attachments) implements JsonShape {

  /** A message without attachments. */
  public ChatMessage(String id, String roomId, long seq, String senderId, String text, long ts, String clientMsgId,
      Long replyTo, Long editedAt, boolean deleted) {
    this(id, roomId, seq, senderId, text, ts, clientMsgId, replyTo, editedAt, deleted, null);
  }

  public static String idOf(String roomId, long seq) {
    return roomId + "-" + seq;
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("roomId", roomId)
        .put("seq", seq)
        .put("senderId", senderId)
        .put("ts", ts);
    if (!deleted) {
      json.put("text", text);
    }
    putIfPresent(json, "clientMsgId", clientMsgId);
    putIfPresent(json, "replyTo", replyTo);
    putIfPresent(json, "editedAt", editedAt);
    if (deleted) {
      json.put("deleted", true);
    } else if (attachments != null && !attachments.isEmpty()) {
      json.put("attachments", attachments.copy());
    }
    return json;
  }

  public static ChatMessage fromJson(JsonObject json) {
    return new ChatMessage(
        json.getString("id"),
        json.getString("roomId"),
        json.getLong("seq", 0L),
        json.getString("senderId"),
        json.getString("text"),
        json.getLong("ts", 0L),
        json.getString("clientMsgId"),
        json.getLong("replyTo"),
        json.getLong("editedAt"),
        json.getBoolean("deleted", false),
        json.getJsonArray("attachments"));
  }

  private static void putIfPresent(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }
}
