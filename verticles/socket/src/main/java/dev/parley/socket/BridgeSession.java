package dev.parley.socket;

import dev.parley.common.auth.AccessTokens.Claims;
import dev.parley.common.auth.TokenRejected;
import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.SendMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A browser session over SockJS speaking the Vert.x event-bus bridge protocol (what
 * {@code @vertx/eventbus-bridge-client.js} sends), implemented here rather than with the stock bridge so
 * that nothing is allowed unless listed, every register is checked against membership, the sender is the
 * authenticated user, and delivery goes through the node's per-room consumers instead of one clustered
 * consumer per registration.
 *
 * <p>Allowed: {@code send} to {@code chat.send} (with a reply), {@code register}/{@code unregister} of
 * {@code chat.room.<id>} (members only) and {@code chat.user.<own id>}, {@code ping}; for the browser client
 * also {@code send} to {@code chat.typing} {@code {room}} (the WebSocket's {@code typing} frame) and to
 * {@code chat.presence} {@code {room}} (a reply with who of the room is online), both only for a room this
 * socket registered. Everything else is answered with an {@code err} frame ({@code access_denied}).
 */
final class BridgeSession extends Session {

  static final String SEND_ADDRESS = "chat.send";
  static final String TYPING_ADDRESS = "chat.typing";
  static final String PRESENCE_ADDRESS = "chat.presence";
  /** A presence snapshot covers at most this many members of a room. */
  private static final int PRESENCE_LIMIT = 200;
  private static final String ROOM_PREFIX = "chat.room.";

  private final SockJSSocket socket;
  private final Map<String, Long> lastTyping = new HashMap<>();
  private boolean userEvents;

  BridgeSession(Claims claims, SessionHub hub, SockJSSocket socket) {
    super(claims, hub, socket, socket);
    this.socket = socket;
  }

  /** Wraps an event in a {@code rec} frame for its address; a null address means a ready bridge frame. */
  @Override
  void transmit(String address, Frame frame) {
    // Addresses are chat.room.<id> of a room the user was checked to belong to, or chat.user.<own id>.
    socket.write(address == null ? frame.text
        : "{\"type\":\"rec\",\"address\":\"" + address + "\",\"body\":" + frame.text + "}");
  }

  @Override
  boolean followsAllRooms() {
    return false;
  }

  @Override
  boolean receivesUserEvents() {
    return userEvents;
  }

  @Override
  void closeSocket(int code, String reason) {
    socket.close(code, reason);
  }

  /** One bridge frame; {@code frameToken} is the token the frame carried in its headers, if any. */
  void onFrame(JsonObject frame, String frameToken) {
    heard();
    hub.metrics.received();
    if (closed) {
      return;
    }
    String type = frame.getString("type", "");
    String address = frame.getValue("address") instanceof String a ? a : null;
    if ("ping".equals(type)) {
      return;
    }
    if (!rate.tryTake()) {
      denied(address, ErrorCode.RATE_LIMITED, "rate_limited");
      close(CloseCodes.RATE_LIMITED, "rate limited");
      return;
    }
    if (frameToken != null && !sameUser(frameToken)) {
      denied(address, ErrorCode.UNAUTHORIZED, "unauthorized");
      return;
    }
    switch (type) {
      case "send" -> onSend(frame, address);
      case "register" -> onRegister(address);
      case "unregister" -> onUnregister(address);
      default -> denied(address, ErrorCode.FORBIDDEN, "access_denied");
    }
  }

  /** A token repeated on a frame must be valid and name this socket's user. */
  private boolean sameUser(String token) {
    try {
      return hub.auth.verifyOnly(token).userId().equals(userId());
    } catch (TokenRejected rejected) {
      return false;
    }
  }

  private void onSend(JsonObject frame, String address) {
    String replyAddress = frame.getValue("replyAddress") instanceof String r ? r : null;
    JsonObject body = frame.getValue("body") instanceof JsonObject b ? b : new JsonObject();
    if (TYPING_ADDRESS.equals(address)) {
      onTyping(body);
      return;
    }
    if (PRESENCE_ADDRESS.equals(address)) {
      onPresence(body, replyAddress);
      return;
    }
    if (!SEND_ADDRESS.equals(address)) {
      denied(replyAddress != null ? replyAddress : address, ErrorCode.FORBIDDEN, "access_denied");
      return;
    }
    String room = body.getValue("room") instanceof String r ? r : null;
    List<String> attachments;
    try {
      attachments = SendMessage.attachmentIds(body.getValue("attachments"));
    } catch (ParleyException bad) {
      reply(replyAddress, null, bad);
      return;
    }
    String text = body.getValue("text") instanceof String t ? t : attachments.isEmpty() ? null : "";
    String clientMsgId = body.getValue("clientMsgId") instanceof String c ? c : null;
    if (room == null || text == null || clientMsgId == null) {
      reply(replyAddress, null, ParleyException.badRequest(room == null ? "room" : text == null ? "text" : "clientMsgId",
          "chat.send needs {room, text, clientMsgId}"));
      return;
    }
    send(room, clientMsgId, text, null, attachments).onComplete(result -> {
      if (result.succeeded()) {
        JsonObject ack = result.result();
        reply(replyAddress, new JsonObject().put("seq", ack.getLong("seq")).put("msgId", ack.getString("msgId"))
            .put("ts", ack.getLong("ts")), null);
      } else {
        reply(replyAddress, null, ParleyException.from(result.cause()));
      }
    });
  }

  /** Like the WebSocket's {@code typing}: only for a registered room, at most once per interval, no reply. */
  private void onTyping(JsonObject body) {
    String room = body.getValue("room") instanceof String r ? r : null;
    if (room == null || !rooms.containsKey(room)) {
      return;
    }
    long now = System.currentTimeMillis();
    Long last = lastTyping.get(room);
    if (last == null || now - last >= hub.config.typingIntervalMs()) {
      lastTyping.put(room, now);
      hub.publishTyping(this, room);
    }
  }

  /**
   * Who of a registered room's members is online now: {@code {presence: [{userId, status, lastSeen?}]}}, so a
   * page that opens a room can show presence before the next {@code presence} event.
   */
  private void onPresence(JsonObject body, String replyAddress) {
    String room = body.getValue("room") instanceof String r ? r : null;
    if (room == null || !rooms.containsKey(room)) {
      reply(replyAddress, null, new ParleyException(ErrorCode.FORBIDDEN, "register the room first"));
      return;
    }
    hub.members(userId(), room)
        .compose(members -> Future.all(members.stream().limit(PRESENCE_LIMIT)
            .map(member -> hub.presence.status(member)).toList()))
        .onComplete(statuses -> {
          if (statuses.succeeded()) {
            JsonArray presence = new JsonArray();
            statuses.result().<JsonObject>list().forEach(presence::add);
            reply(replyAddress, new JsonObject().put("presence", presence), null);
          } else {
            reply(replyAddress, null, ParleyException.from(statuses.cause()));
          }
        });
  }

  private void onRegister(String address) {
    if (address == null) {
      denied(null, ErrorCode.FORBIDDEN, "access_denied");
    } else if (address.equals(Addresses.user(userId()))) {
      userEvents = true;
    } else if (address.startsWith(ROOM_PREFIX)) {
      String roomId = address.substring(ROOM_PREFIX.length());
      // Checked on every register: the membership lookup is cached in Redis, backed by MySQL. Frames after the
      // register wait until it is in place, so a send right after it is seen on the room like by any member.
      socket.pause();
      hub.isMember(userId(), roomId).onComplete(member -> {
        if (member.succeeded() && member.result()) {
          hub.follow(this, roomId).compose(followed -> hub.startCursors(this, java.util.List.of(roomId)))
              .onComplete(started -> socket.resume());
        } else {
          socket.resume();
          denied(address, ErrorCode.FORBIDDEN, "access_denied");
        }
      });
    } else {
      denied(address, ErrorCode.FORBIDDEN, "access_denied");
    }
  }

  private void onUnregister(String address) {
    if (address == null) {
      return;
    }
    if (address.equals(Addresses.user(userId()))) {
      userEvents = false;
    } else if (address.startsWith(ROOM_PREFIX)) {
      hub.unfollow(this, address.substring(ROOM_PREFIX.length()));
    }
  }

  private void reply(String replyAddress, JsonObject body, ParleyException error) {
    if (replyAddress == null) {
      return;
    }
    if (error != null) {
      denied(replyAddress, error.code(), error.toJson().encode());
    } else {
      write(null, new JsonObject().put("type", "rec").put("address", replyAddress).put("body", body).encode());
    }
  }

  /** An {@code err} frame, as the stock bridge sends it; {@code failureCode} is the HTTP status of the error. */
  private void denied(String address, ErrorCode code, String message) {
    JsonObject err = new JsonObject().put("type", "err").put("failureCode", code.status())
        .put("failureType", "RECIPIENT_FAILURE").put("message", message);
    if (address != null) {
      err.put("address", address);
    }
    socket.write(err.encode());
  }
}
