package dev.parley.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One event of the message stream: a message was created, edited or deleted. {@code id} is the event's id in the
 * outbox (message_events), unique and growing, but not committed in id order: consumers must tolerate an event
 * arriving after a higher one (see {@code dev.parley.common.events.EventWatermark}).
 *
 * <p>The message fields are a snapshot of the message as stored when the event was read from the outbox, not as
 * it was when the event happened: a consumer that applies the snapshots of one message in the order the stream
 * delivers them ends up with its current state (text, edit, tombstone) whatever it missed in between.
 * {@code at} is when the event happened (epoch ms), {@code ts} when the message was sent; {@code roomKind} is
 * {@code group} or {@code direct}. {@code attachments} is the message's attachment metadata as the message object
 * shows it ({@code [{id, name, contentType, size, width?, height?}]}), null when it has none or is deleted.
 * {@code group} or {@code direct}. {@code threadRoot} (issue 13) is the root's seq for a reply in a thread.
 * Reactions and pins are events of kinds {@code reaction}, {@code pinned} and {@code unpinned}: {@code actorId} is
 * who reacted or pinned, and {@code detail} for a reaction is {@code {emoji, op}}. {@code bot} (issue 15) says the
 * message's sender is a bot, as stored with the message.
 *
 * <p>With several MySQL shards each shard has its own outbox: {@code shard} says which one, and ids are unique
 * and growing within a shard only. Consumers keep one position per shard.
 */
public record MessageEvent(
    long id,
    int shard,
    String kind,
    long at,
    String roomId,
    String roomKind,
    long seq,
    String senderId,
    String text,
    long ts,
    Long editedAt,
    boolean deleted,
    JsonArray attachments,
    Long threadRoot,
    String actorId,
    JsonObject detail,
    boolean bot) implements JsonShape {

  public static final String CREATED = "created";
  public static final String EDITED = "edited";
  public static final String DELETED = "deleted";
  public static final String REACTION = "reaction";
  public static final String PINNED = "pinned";
  public static final String UNPINNED = "unpinned";

  /** An event of a message outside threads, caused by its sender (created, edited, deleted). */
  public MessageEvent(long id, int shard, String kind, long at, String roomId, String roomKind, long seq,
      String senderId, String text, long ts, Long editedAt, boolean deleted) {
    this(id, shard, kind, at, roomId, roomKind, seq, senderId, text, ts, editedAt, deleted, null, null, null, null);
  }

  /** An event of a message whose sender is not a bot. */
  public MessageEvent(long id, int shard, String kind, long at, String roomId, String roomKind, long seq,
      String senderId, String text, long ts, Long editedAt, boolean deleted, JsonArray attachments, Long threadRoot,
      String actorId, JsonObject detail) {
    this(id, shard, kind, at, roomId, roomKind, seq, senderId, text, ts, editedAt, deleted, attachments, threadRoot,
        actorId, detail, false);
  }

  /** The message id clients know: {@code "<roomId>-<seq>"}. */
  public String messageId() {
    return ChatMessage.idOf(roomId, seq);
  }

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("shard", shard)
        .put("kind", kind)
        .put("at", at)
        .put("roomId", roomId)
        .put("roomKind", roomKind)
        .put("seq", seq)
        .put("senderId", senderId)
        .put("ts", ts);
    if (text != null) {
      json.put("text", text);
    }
    if (editedAt != null) {
      json.put("editedAt", editedAt);
    }
    if (deleted) {
      json.put("deleted", true);
    }
    if (attachments != null && !attachments.isEmpty()) {
      json.put("attachments", attachments.copy());
    }
    if (threadRoot != null) {
      json.put("threadRoot", threadRoot);
    }
    if (actorId != null) {
      json.put("actorId", actorId);
    }
    if (detail != null) {
      json.put("detail", detail.copy());
    }
    if (bot) {
      json.put("bot", true);
    }
    return json;
  }

  public static MessageEvent fromJson(JsonObject json) {
    return new MessageEvent(
        json.getLong("id", 0L),
        json.getInteger("shard", 0),
        json.getString("kind"),
        json.getLong("at", 0L),
        json.getString("roomId"),
        json.getString("roomKind"),
        json.getLong("seq", 0L),
        json.getString("senderId"),
        json.getString("text"),
        json.getLong("ts", 0L),
        json.getLong("editedAt"),
        json.getBoolean("deleted", false),
        json.getJsonArray("attachments"),
        json.getLong("threadRoot"),
        json.getString("actorId"),
        json.getJsonObject("detail"),
        json.getBoolean("bot", false));
  }
}
