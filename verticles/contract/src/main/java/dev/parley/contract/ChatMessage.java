package dev.parley.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A committed chat message as clients see it (CONTRACT.md "A message"). Ids travel as strings; {@code seq} is
 * the per-room sequence number assigned in the transaction that stored the message. A message's id is
 * {@code "<roomId>-<seq>"}: unique everywhere and stable across shards. {@code attachments} (null when none)
 * holds {@code [{id, name, contentType, size, width?, height?}]}; a tombstone shows none.
 *
 * <p>Issue 13: {@code threadRoot} is the seq of the thread's root for a reply in a thread (null otherwise);
 * {@code thread} is a root's summary {@code {replies, lastReplyTs, participants}} (null before its first reply);
 * {@code reactions} is {@code [{emoji, count, users: [first ≤ 3 userIds]}]} (null or empty when none). A tombstone
 * shows neither thread summary nor reactions, but keeps {@code threadRoot}.
 *
 * <p>Issue 15: {@code bot} is true for a message sent by a bot (with its API token, or through an incoming
 * webhook); it is taken from the authenticated sender at the send and stored with the message.
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
    JsonArray attachments,
    Long threadRoot,
    JsonObject thread,
    JsonArray reactions,
    boolean bot) implements JsonShape {

  /** A message of a user who is not a bot. */
  public ChatMessage(String id, String roomId, long seq, String senderId, String text, long ts, String clientMsgId,
      Long replyTo, Long editedAt, boolean deleted, JsonArray attachments, Long threadRoot, JsonObject thread,
      JsonArray reactions) {
    this(id, roomId, seq, senderId, text, ts, clientMsgId, replyTo, editedAt, deleted, attachments, threadRoot, thread,
        reactions, false);
  }

  /** A message outside threads, without reactions. */
  public ChatMessage(String id, String roomId, long seq, String senderId, String text, long ts, String clientMsgId,
      Long replyTo, Long editedAt, boolean deleted, JsonArray attachments) {
    this(id, roomId, seq, senderId, text, ts, clientMsgId, replyTo, editedAt, deleted, attachments, null, null, null);
  }

  /** A message without attachments. */
  public ChatMessage(String id, String roomId, long seq, String senderId, String text, long ts, String clientMsgId,
      Long replyTo, Long editedAt, boolean deleted) {
    this(id, roomId, seq, senderId, text, ts, clientMsgId, replyTo, editedAt, deleted, null);
  }

  /** This message with new text, edited at {@code editedAt}: everything else (thread, reactions) kept. */
  public ChatMessage edited(String newText, long editedAt) {
    return new ChatMessage(id, roomId, seq, senderId, newText, ts, clientMsgId, replyTo, editedAt, false, attachments,
        threadRoot, thread, reactions, bot);
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
    putIfPresent(json, "threadRoot", threadRoot);
    if (!deleted && thread != null) {
      json.put("thread", thread.copy());
    }
    if (!deleted && reactions != null && !reactions.isEmpty()) {
      json.put("reactions", reactions.copy());
    }
    if (bot) {
      json.put("bot", true);
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
        json.getJsonArray("attachments"),
        json.getLong("threadRoot"),
        json.getJsonObject("thread"),
        json.getJsonArray("reactions"),
        json.getBoolean("bot", false));
  }

  private static void putIfPresent(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
  }
}
