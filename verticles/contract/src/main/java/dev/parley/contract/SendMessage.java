package dev.parley.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A request to store a chat message: who sends what to which room. The sender always comes from the
 * authenticated session, never from the client's payload. Idempotent per (roomId, senderId, clientMsgId).
 * {@code attachments} are ids of uploads of the sender to the same room (empty when none). {@code threadRoot}
 * (issue 13, null when none) is the seq of the root of the thread the message replies in. {@code bot} (issue 15)
 * says the sender is a bot, as its authentication said: stored with the message, so no send looks it up.
 */
public record SendMessage(String roomId, String senderId, String clientMsgId, String text, Long replyTo,
    List<String> attachments, Long threadRoot, boolean bot) implements JsonShape {

  public SendMessage {
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
  }

  public SendMessage(String roomId, String senderId, String clientMsgId, String text, Long replyTo,
      List<String> attachments) {
    this(roomId, senderId, clientMsgId, text, replyTo, attachments, null, false);
  }

  public SendMessage(String roomId, String senderId, String clientMsgId, String text, Long replyTo) {
    this(roomId, senderId, clientMsgId, text, replyTo, List.of());
  }

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
    if (!attachments.isEmpty()) {
      json.put("attachments", new JsonArray(List.copyOf(attachments)));
    }
    if (threadRoot != null) {
      json.put("threadRoot", threadRoot);
    }
    if (bot) {
      json.put("bot", true);
    }
    return json;
  }

  public static SendMessage fromJson(JsonObject json) {
    return new SendMessage(
        json.getString("roomId"),
        json.getString("senderId"),
        json.getString("clientMsgId"),
        json.getString("text"),
        json.getLong("replyTo"),
        attachmentIds(json.getValue("attachments")),
        json.getLong("threadRoot"),
        json.getBoolean("bot", false));
  }

  /**
   * The attachment ids of a client's send (REST body, WebSocket frame, bridge body): absent is none; anything but
   * an array of strings is bad_request naming the field.
   */
  public static List<String> attachmentIds(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || !array.stream().allMatch(String.class::isInstance)) {
      throw ParleyException.badRequest("attachments", "attachments must be an array of attachment ids");
    }
    return array.stream().map(String.class::cast).toList();
  }
}
