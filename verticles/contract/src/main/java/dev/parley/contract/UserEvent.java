package dev.parley.contract;

import io.vertx.core.json.JsonObject;

/**
 * An event for one user's sockets (membership changes, notifications), published on
 * {@link Addresses#USER_EVENTS}: every socket node has one consumer there and delivers to its local sockets of
 * {@code userId}, so no node ever registers a consumer per user. {@code roomId} names the room the event is
 * about, if any; {@code frame} is the JSON object clients receive (with its {@code type}).
 */
public record UserEvent(String userId, String type, String roomId, String frame) implements JsonShape {

  public static UserEvent of(String userId, String type, String roomId, JsonObject body) {
    return new UserEvent(userId, type, roomId, body.copy().put("type", type).encode());
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject().put("userId", userId).put("type", type).put("roomId", roomId).put("frame", frame);
  }

  public static UserEvent fromJson(JsonObject json) {
    return new UserEvent(json.getString("userId"), json.getString("type"), json.getString("roomId"),
        json.getString("frame"));
  }
}
