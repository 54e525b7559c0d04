package dev.parley.socket;

import dev.parley.common.auth.AccessTokens.Claims;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.SendMessage;
import dev.parley.contract.SendRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** A raw WebSocket session speaking the contract's frames ({@code send}, {@code resume}, {@code typing}, ...). */
final class WebSocketSession extends Session {

  /**
   * The client frames a WebSocket handles, by type (CONTRACT.md "WebSocket"; docs: the AsyncAPI document, checked
   * against this map by a test).
   */
  static final Map<String, BiConsumer<WebSocketSession, JsonObject>> HANDLERS = Map.of(
      "ping", (session, frame) -> session.write(null, "{\"type\":\"pong\"}"),
      "send", WebSocketSession::onSend,
      "resume", WebSocketSession::onResume,
      "typing", WebSocketSession::onTyping,
      "read", WebSocketSession::onRead,
      "auth", WebSocketSession::onAuth);

  private final ServerWebSocket socket;
  /** The largest frame the server's codec writes whole (its max WebSocket frame size). */
  private final int maxFrameBytes;
  private final Map<String, Long> lastTyping = new HashMap<>();

  WebSocketSession(Claims claims, SessionHub hub, ServerWebSocket socket) {
    super(claims, hub, socket, socket);
    this.socket = socket;
    this.maxFrameBytes = hub.config.maxFrameBytes() * SocketVerticle.CODEC_FRAME_FACTOR;
    this.holding = true;
  }

  /** Writes the frame's shared bytes as one text frame ({@link VertxInternals#textFrame}). */
  @Override
  void transmit(String address, Frame frame) {
    Buffer bytes = frame.bytes();
    if (bytes.length() > maxFrameBytes) {
      // Over the codec's frame size: Vert.x splits it into continuation frames.
      socket.writeTextMessage(frame.text);
    } else {
      socket.writeFrame(VertxInternals.textFrame(bytes));
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
      BiConsumer<WebSocketSession, JsonObject> handler = type == null ? null : HANDLERS.get(type);
      if (handler == null) {
        invalid(id, type == null ? "a frame needs a type" : "unknown type '" + type + "'");
      } else {
        handler.accept(this, frame);
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
    SendRequest send = SendRequest.fromFrame(frame);
    send(send).onComplete(result -> {
      if (result.succeeded()) {
        write(null, result.result().frame(send.clientMsgId()));
      } else {
        ParleyException error = ParleyException.from(result.cause());
        write(null, error(send.clientMsgId(), error.code(), error.getMessage()));
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

  /**
   * A fresh token before the current one expires keeps the socket open: {@code {"type":"authed","expiresAt"}}.
   * A bad, revoked or other user's token gets an {@code error} and changes nothing.
   */
  private void onAuth(JsonObject frame) {
    String token = requiredString(frame, "token");
    hub.auth.authenticate(token).onComplete(checked -> {
      if (checked.succeeded() && renew(checked.result())) {
        write(null, new JsonObject().put("type", "authed").put("expiresAt", claims().expiresAt() * 1000).encode());
      } else {
        ParleyException error = checked.failed() ? ParleyException.from(checked.cause())
            : new ParleyException(ErrorCode.UNAUTHORIZED, "the token names another user");
        write(null, error(null, error.code(), error.getMessage()));
      }
    });
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
    hub.client.markRead(userId(), room, seq.longValue()).onFailure(failure -> {
      ParleyException error = ParleyException.from(failure);
      write(null, error(null, error.code(), error.getMessage()));
    });
  }

  private void invalid(Object id, String message) {
    write(null, error(id, ErrorCode.BAD_REQUEST, message));
    if (tooManyInvalid()) {
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
