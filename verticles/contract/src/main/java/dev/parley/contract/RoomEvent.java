package dev.parley.contract;

import io.vertx.core.json.JsonObject;

/**
 * A real-time event published on a room's or a user's address ({@link Addresses#room}, {@link Addresses#user}):
 * a new message, an edit, a delete, a membership or room change. {@code frame} is the event already encoded as
 * the JSON object clients receive (it has a {@code type}), so a node encodes it once however many sockets
 * receive it; {@code seq} is the message seq for message events and 0 otherwise; {@code userId}, when set, is
 * the user who caused the event (typing, read, presence), whose own sockets do not get it back.
 */
public record RoomEvent(String roomId, String type, long seq, String userId, String frame) implements JsonShape {

  public static final String MESSAGE = "message";
  public static final String MESSAGE_UPDATED = "message.updated";
  public static final String MESSAGE_DELETED = "message.deleted";
  public static final String READ = "read";
  public static final String MEMBER_JOINED = "member.joined";
  public static final String MEMBER_LEFT = "member.left";
  public static final String ROOM_UPDATED = "room.updated";
  public static final String ROOM_DELETED = "room.deleted";
  public static final String TYPING = "typing";
  public static final String PRESENCE = "presence";
  public static final String NOTIFICATION = "notification";
  /** Issue 13: {@code {room, seq, emoji, userId, op: "add"|"remove", reactions}}. */
  public static final String REACTION = "reaction";
  /**
   * Issue 13: {@code {room, seq, thread}}, after each reply in the thread of root {@code seq} and each delete of one
   * ({@code thread} null once no live reply is left).
   */
  public static final String THREAD_UPDATED = "thread.updated";
  /** Issue 13: {@code {room, seq, userId, op: "add"|"remove"}}. */
  public static final String PIN = "pin";

  /** Builds an event from its client-facing JSON, which gets the {@code type} field. */
  public static RoomEvent of(String roomId, String type, long seq, JsonObject body) {
    return new RoomEvent(roomId, type, seq, null, body.copy().put("type", type).encode());
  }

  /** An event caused by {@code userId}, which that user's own sockets skip. */
  public static RoomEvent by(String userId, String roomId, String type, JsonObject body) {
    return new RoomEvent(roomId, type, 0, userId, body.copy().put("type", type).encode());
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("roomId", roomId).put("type", type).put("seq", seq).put("userId", userId)
        .put("frame", frame);
  }

  public static RoomEvent fromJson(JsonObject json) {
    return new RoomEvent(json.getString("roomId"), json.getString("type"), json.getLong("seq", 0L),
        json.getString("userId"), json.getString("frame"));
  }
}
