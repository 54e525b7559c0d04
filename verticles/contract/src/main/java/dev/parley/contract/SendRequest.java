package dev.parley.contract;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A send from any front end, validated one way: the WebSocket {@code send} frame
 * ({@code {id, room, text, replyTo?, attachments?, threadRoot?}}), the bridge's {@code chat.send} body
 * ({@code {clientMsgId, room, text, replyTo?, attachments?, threadRoot?}}) and REST's
 * {@code POST /rooms/{room}/messages} body ({@code {clientMsgId, text, replyTo?, attachments?, threadRoot?}}, the
 * room in the path) differ only in the name of the client's message id and where the room is. Text rules (length,
 * trimming) are persistence's; here the shape. With attachments the text may be absent (it is then empty). A bad
 * field is a 400 naming it. {@code threadRoot} (issue 13) is the seq of the root of the thread the message replies in.
 */
public record SendRequest(String room, String clientMsgId, String text, Long replyTo, List<String> attachments,
    Long threadRoot) {

  /** The longest clientMsgId accepted (persistence stores it for idempotency). */
  public static final int MAX_CLIENT_MSG_ID = 128;

  /** A WebSocket {@code send} frame. */
  public static SendRequest fromFrame(JsonObject frame) {
    return of(frame, "id");
  }

  /** A bridge {@code chat.send} body. */
  public static SendRequest fromBridge(JsonObject body) {
    return of(body, "clientMsgId");
  }

  /** A REST body for the room in the path; a path that names no room is 404, as for a room that does not exist. */
  public static SendRequest fromRest(String room, JsonObject body) {
    if (!RoomIds.canonical(room)) {
      throw RoomStanding.notFound();
    }
    return of(body.copy().put("room", room), "clientMsgId");
  }

  /** What persistence stores: this send by {@code senderId} (always the authenticated user; {@code bot} as it said). */
  public SendMessage message(String senderId, boolean bot) {
    return new SendMessage(room, senderId, clientMsgId, text, replyTo, attachments, threadRoot, bot);
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

  /**
   * The one ack of a durable send; each front end wraps it its way (REST answers the stored message itself,
   * CONTRACT.md, of which these are the fields).
   */
  public record Ack(String room, long seq, String msgId, long ts) {

    public static Ack of(ChatMessage message) {
      return new Ack(message.roomId(), message.seq(), message.id(), message.ts());
    }

    /** The WebSocket frame: {@code {type: "ack", id, room, seq, msgId, ts}}. */
    public String frame(String clientMsgId) {
      return reply().put("type", "ack").put("id", clientMsgId).put("room", room).encode();
    }

    /** The bridge reply body (CONTRACT.md): {@code {seq, msgId, ts}}. */
    public JsonObject reply() {
      return new JsonObject().put("seq", seq).put("msgId", msgId).put("ts", ts);
    }
  }
}
