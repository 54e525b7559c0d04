package dev.parley.socket;

import dev.parley.contract.ChatMessage;
import dev.parley.contract.ParleyException;
import dev.parley.contract.SendMessage;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A send from any socket front end, validated one way: the WebSocket {@code send} frame
 * ({@code {id, room, text, replyTo?, attachments?}}) and the bridge's {@code chat.send} body
 * ({@code {clientMsgId, room, text, replyTo?, attachments?}}) differ only in the name of the client's message id. Text rules
 * (length, trimming) are persistence's, the same for REST; here the shape. With attachments the text may be
 * absent (it is then empty). A bad field is a 400 naming it. {@code threadRoot} (issue 13) is the seq of the root
 * of the thread the message replies in.
 */
record SendRequest(String room, String clientMsgId, String text, Long replyTo, List<String> attachments,
    Long threadRoot) {

  /** The longest clientMsgId accepted (persistence stores it for idempotency). */
  static final int MAX_CLIENT_MSG_ID = 128;

  /** A WebSocket {@code send} frame. */
  static SendRequest fromFrame(JsonObject frame) {
    return of(frame, "id");
  }

  /** A bridge {@code chat.send} body. */
  static SendRequest fromBridge(JsonObject body) {
    return of(body, "clientMsgId");
  }

  private static SendRequest of(JsonObject json, String idField) {
    String clientMsgId = required(json, idField);
    if (clientMsgId.length() > MAX_CLIENT_MSG_ID) {
      throw ParleyException.badRequest(idField, idField + " is at most " + MAX_CLIENT_MSG_ID + " characters");
    }
    String room = required(json, "room");
    if (!RoomIds.canonical(room)) {
      throw ParleyException.badRequest("room", "room must be a room id");
    }
    List<String> attachments = SendMessage.attachmentIds(json.getValue("attachments"));
    Object textValue = json.getValue("text");
    if (textValue == null && !attachments.isEmpty()) {
      textValue = "";
    }
    if (!(textValue instanceof String text)) {
      throw ParleyException.badRequest("text", "text is required");
    }
    return new SendRequest(room, clientMsgId, text, seq(json, "replyTo"), attachments, seq(json, "threadRoot"));
  }

  /** An optional message seq (a whole number, 1 or more). */
  private static Long seq(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value != null && !(value instanceof Integer || value instanceof Long)
        || value != null && ((Number) value).longValue() < 1) {
      throw ParleyException.badRequest(field, field + " must be the seq of a message");
    }
    return value == null ? null : ((Number) value).longValue();
  }

  private static String required(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof String value) || value.isEmpty()) {
      throw ParleyException.badRequest(field, field + " is required");
    }
    return value;
  }

  /** The one ack of a durable send; each front end wraps it its way. */
  record Ack(String room, long seq, String msgId, long ts) {

    static Ack of(ChatMessage message) {
      return new Ack(message.roomId(), message.seq(), message.id(), message.ts());
    }

    /** The WebSocket frame: {@code {type: "ack", id, room, seq, msgId, ts}}. */
    String frame(String clientMsgId) {
      return reply().put("type", "ack").put("id", clientMsgId).put("room", room).encode();
    }

    /** The bridge reply body (CONTRACT.md): {@code {seq, msgId, ts}}. */
    JsonObject reply() {
      return new JsonObject().put("seq", seq).put("msgId", msgId).put("ts", ts);
    }
  }
}
