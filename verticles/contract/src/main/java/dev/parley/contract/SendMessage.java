package dev.parley.contract;

import io.vertx.core.json.JsonObject;

/**
 * A request to store a chat message: who sends what to which room. The sender always comes from the
 * authenticated session, never from the client's payload. Idempotent per (roomId, senderId, clientMsgId).
 */
public record SendMessage(String roomId, String senderId, String clientMsgId, String text, Long replyTo)
    implements JsonShape {

  @Override
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("roomId", roomId)
        .put("senderId", senderId)
        .put("clientMsgId", clientMsgId)
        .put("text", text);
    if (replyTo != null) {
      json.put("replyTo", replyTo);
    }
    return json;
  }

  public static SendMessage fromJson(JsonObject json) {
    return new SendMessage(
        json.getString("roomId"),
        json.getString("senderId"),
        json.getString("clientMsgId"),
        json.getString("text"),
        json.getLong("replyTo"));
  }
}
