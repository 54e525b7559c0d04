package dev.parley.socket;

import dev.parley.common.auth.AccessTokens.Claims;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.SendMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A raw WebSocket session speaking the contract's frames ({@code send}, {@code resume}, {@code typing}, ...). */
final class WebSocketSession extends Session {

  private final ServerWebSocket socket;
  /** The largest frame the server's codec writes whole (its max WebSocket frame size). */
  private final int maxFrameBytes;
  private final Map<String, Long> lastTyping = new HashMap<>();
  private int invalidFrames;

  WebSocketSession(Claims claims, SessionHub hub, ServerWebSocket socket) {
    super(claims, hub, socket, socket);
    this.socket = socket;
    this.maxFrameBytes = hub.config.maxFrameBytes() * 4;
    this.holding = true;
  }

  /**
   * Writes the frame's shared bytes as one text frame. Vert.x 5.0 has no public text-frame factory taking bytes
   * ({@code WebSocketFrame.textFrame} takes a String and encodes it again for every socket), so the frame is
   * built with its implementation class; {@code getByteBuf()} is a slice with its own read index, so the same
   * bytes can be written to any number of sockets.
   */
  @Override
  void transmit(String address, Frame frame) {
    Buffer bytes = frame.bytes();
    if (bytes.length() > maxFrameBytes) {
      // Over the codec's frame size: Vert.x splits it into continuation frames.
      socket.writeTextMessage(frame.text);
    } else {
      socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) bytes).getByteBuf(), true));
    }
  }

  @Override
  boolean followsAllRooms() {
    return true;
  }

  @Override
  boolean receivesUserEvents() {
    return true;
  }

  @Override
  void closeSocket(int code, String reason) {
    socket.close((short) code, reason);
  }

  void ping() {
    if (!closed) {
      socket.writePing(Buffer.buffer());
    }
  }

  /** One text frame from the client. */
  void onFrame(String text) {
    heard();
    hub.metrics.received();
    if (closed) {
      return;
    }
    if (!rate.tryTake()) {
      write(null, error(null, ErrorCode.RATE_LIMITED, "too many frames"));
      close(CloseCodes.RATE_LIMITED, "rate limited");
      return;
    }
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException malformed) {
      invalid(null, "a frame must be one JSON object");
      return;
    }
    String type = frame.getValue("type") instanceof String t ? t : null;
    Object id = frame.getValue("id");
    if (!"resume".equals(type)) {
      release();
    }
    try {
      switch (type == null ? "" : type) {
        case "ping" -> write(null, "{\"type\":\"pong\"}");
        case "send" -> onSend(frame);
        case "resume" -> onResume(frame);
        case "typing" -> onTyping(frame);
        case "read" -> onRead(frame);
        case "auth" -> write(null, error(id, ErrorCode.BAD_REQUEST, "already authenticated"));
        default -> invalid(id, type == null ? "a frame needs a type" : "unknown type '" + type + "'");
      }
    } catch (ParleyException bad) {
      if (bad.code() == ErrorCode.BAD_REQUEST) {
        invalid(id, bad.getMessage());
      } else {
        write(null, error(id, bad.code(), bad.getMessage()));
      }
    }
  }

  private void onSend(JsonObject frame) {
    String clientMsgId = requiredString(frame, "id");
    String room = requiredString(frame, "room");
    List<String> attachments = SendMessage.attachmentIds(frame.getValue("attachments"));
    String text = attachments.isEmpty() ? requiredString(frame, "text")
        : frame.getValue("text") instanceof String t ? t : "";
    Long replyTo = frame.getValue("replyTo") instanceof Number number ? number.longValue() : null;
    send(room, clientMsgId, text, replyTo, attachments).onComplete(result -> {
      if (result.succeeded()) {
        write(null, result.result().copy().put("type", "ack").put("id", clientMsgId).encode());
      } else {
        ParleyException error = ParleyException.from(result.cause());
        write(null, error(clientMsgId, error.code(), error.getMessage()));
      }
    });
  }

  private void onResume(JsonObject frame) {
    if (!(frame.getValue("positions") instanceof JsonObject positions)) {
      throw ParleyException.badRequest("positions", "positions must be an object {roomId: lastSeenSeq}");
    }
    Map<String, Long> wanted = new LinkedHashMap<>();
    positions.forEach(entry -> {
      if (!(entry.getValue() instanceof Number seq)) {
        throw ParleyException.badRequest("positions", "positions must map room ids to seqs");
      }
      wanted.put(entry.getKey(), seq.longValue());
    });
    resume(wanted).onSuccess(rooms ->
        write(null, new JsonObject().put("type", "resumed").put("rooms", rooms).encode()));
  }

  private void onTyping(JsonObject frame) {
    String room = requiredString(frame, "room");
    if (!rooms.containsKey(room)) {
      return;
    }
    long now = System.currentTimeMillis();
    Long last = lastTyping.get(room);
    // Typing is a hint: at most one announcement per room per interval, the rest are dropped silently.
    if (last == null || now - last >= hub.config.typingIntervalMs()) {
      lastTyping.put(room, now);
      hub.publishTyping(this, room);
    }
  }

  private void onRead(JsonObject frame) {
    String room = requiredString(frame, "room");
    if (!(frame.getValue("seq") instanceof Number seq)) {
      throw ParleyException.badRequest("seq", "seq is required");
    }
    hub.markRead(this, room, seq.longValue()).onFailure(failure -> {
      ParleyException error = ParleyException.from(failure);
      write(null, error(null, error.code(), error.getMessage()));
    });
  }

  private void invalid(Object id, String message) {
    write(null, error(id, ErrorCode.BAD_REQUEST, message));
    if (++invalidFrames > hub.config.maxInvalidFrames()) {
      close(CloseCodes.POLICY, "too many invalid frames");
    }
  }

  static String error(Object id, ErrorCode code, String message) {
    JsonObject error = new JsonObject().put("type", "error").put("code", code.wire()).put("message", message);
    if (id != null) {
      error.put("id", id);
    }
    return error.encode();
  }

  private static String requiredString(JsonObject frame, String field) {
    if (!(frame.getValue(field) instanceof String value) || value.isEmpty()) {
      throw ParleyException.badRequest(field, field + " is required");
    }
    return value;
  }
}
