package dev.parley.socket;

import dev.parley.common.auth.AccessTokens.Claims;
import dev.parley.contract.Addresses;
import dev.parley.contract.ErrorCode;
import dev.parley.contract.ParleyException;
import dev.parley.contract.RoomIds;
import dev.parley.contract.SendMessage;
import dev.parley.contract.SendRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
  /** {@code send} here with a fresh token in the headers: the socket lives until that token's expiry. */
  static final String AUTH_ADDRESS = "chat.auth";
  /** Every address a bridge client may send to (the AsyncAPI document lists them; a test compares). */
  static final Set<String> SEND_ADDRESSES = Set.of(SEND_ADDRESS, TYPING_ADDRESS, PRESENCE_ADDRESS, AUTH_ADDRESS);
  /** A presence snapshot covers at most this many members of a room. */
  private static final int PRESENCE_LIMIT = 200;
  private static final String ROOM_PREFIX = "chat.room.";

  private final SockJSSocket socket;
  private final Map<String, Long> lastTyping = new HashMap<>();
  private boolean userEvents;
  /** Frames that arrived while a register or a token check was under way, in arrival order. */
  private final java.util.ArrayDeque<Buffer> held = new java.util.ArrayDeque<>();
  private boolean waitingFor;

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

  /**
   * One bridge frame as received. Every frame counts against the rate limit, malformed ones too; a frame that is
   * not a JSON object gets an {@code err} frame and counts as invalid, and past {@code socket.maxInvalidFrames}
   * the socket is closed (1008), like {@code /ws}.
   */
  void onFrame(Buffer buffer) {
    if (waitingFor) {
      // A register or a token check is under way: later frames wait for it, in order. (Pausing the socket is
      // not enough: SockJS hands over every frame of one batch at once.) Bounded like frames before opening.
      if (held.size() >= hub.config.maxEarlyFrames()) {
        close(CloseCodes.POLICY, "too many frames while a register was checked");
      } else {
        held.add(buffer);
      }
      return;
    }
    handle(buffer);
  }

  /** Frames wait from here until {@link #proceed()}. */
  private void await() {
    waitingFor = true;
  }

  /** Handles what waited, until one of those frames makes the session wait again. */
  private void proceed() {
    waitingFor = false;
    while (!waitingFor && !held.isEmpty() && !closed) {
      handle(held.poll());
    }
  }

  private void handle(Buffer buffer) {
    heard();
    hub.metrics.received();
    if (closed) {
      return;
    }
    if (buffer.length() > hub.config.maxFrameBytes()) {
      close(CloseCodes.TOO_LARGE, "frame too large");
      return;
    }
    JsonObject frame;
    try {
      frame = buffer.toJsonObject();
    } catch (DecodeException | ClassCastException malformed) {
      frame = null;
    }
    String type = frame == null ? "" : frame.getValue("type") instanceof String t ? t : "";
    if ("ping".equals(type)) {
      return;
    }
    String address = frame != null && frame.getValue("address") instanceof String a ? a : null;
    if (!rate.tryTake()) {
      denied(address, ErrorCode.RATE_LIMITED, "rate_limited");
      close(CloseCodes.RATE_LIMITED, "rate limited");
      return;
    }
    if (frame == null) {
      denied(null, ErrorCode.BAD_REQUEST, "a frame must be one JSON object");
      if (tooManyInvalid()) {
        close(CloseCodes.POLICY, "too many invalid frames");
      }
      return;
    }
    String frameToken = frame.getValue("headers") instanceof JsonObject headers
        && headers.getValue("token") instanceof String t ? t : null;
    if (frameToken == null) {
      dispatch(frame, type, address);
      return;
    }
    // A token on a frame is checked like the socket's own (signature, expiry, login session still active), and
    // a fresh one of the same user keeps the socket open past the old one's expiry. The check is answered from
    // memory almost always; when it is not, later frames wait so they are handled in order.
    JsonObject checkedFrame = frame;
    Future<Claims> checked = hub.auth.authenticate(frameToken);
    if (checked.isComplete()) {
      afterTokenCheck(checked, checkedFrame, type, address);
    } else {
      await();
      checked.onComplete(done -> {
        waitingFor = false;
        afterTokenCheck(checked, checkedFrame, type, address);
        if (!waitingFor) {
          // (Unless the checked frame was a register, which now waits in turn.)
          proceed();
        }
      });
    }
  }

  private void afterTokenCheck(Future<Claims> checked, JsonObject frame, String type, String address) {
    if (closed) {
      return;
    }
    if (checked.failed() || !renew(checked.result())) {
      ErrorCode code = checked.failed() ? ParleyException.from(checked.cause()).code() : ErrorCode.UNAUTHORIZED;
      denied(address, code, code == ErrorCode.UNAUTHORIZED ? "unauthorized" : code.wire());
      return;
    }
    dispatch(frame, type, address);
  }

  private void dispatch(JsonObject frame, String type, String address) {
    switch (type) {
      case "send" -> onSend(frame, address);
      case "register" -> onRegister(address);
      case "unregister" -> onUnregister(address);
      default -> denied(address, ErrorCode.FORBIDDEN, "access_denied");
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
    if (AUTH_ADDRESS.equals(address)) {
      // The token in the frame's headers was checked and, if fresher, adopted before this point.
      reply(replyAddress, new JsonObject().put("expiresAt", claims().expiresAt() * 1000), null);
      return;
    }
    if (!SEND_ADDRESS.equals(address)) {
      denied(replyAddress != null ? replyAddress : address, ErrorCode.FORBIDDEN, "access_denied");
      return;
    }
    SendRequest send;
    try {
      send = SendRequest.fromBridge(body);
    } catch (ParleyException bad) {
      reply(replyAddress, null, bad);
      return;
    }
    send(send).onComplete(result -> {
      if (result.succeeded()) {
        reply(replyAddress, result.result().reply(), null);
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
    hub.client.members(userId(), room)
        .compose(members -> Future.all(members.stream().limit(PRESENCE_LIMIT)
            .map(member -> hub.visibility.visible(userId(), member).compose(visible -> visible
                ? hub.presence.status(member) : Future.succeededFuture((JsonObject) null))).toList()))
        .onComplete(statuses -> {
          if (statuses.succeeded()) {
            JsonArray presence = new JsonArray();
            statuses.result().<JsonObject>list().stream().filter(java.util.Objects::nonNull).forEach(presence::add);
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
    } else if (address.startsWith(ROOM_PREFIX) && RoomIds.canonical(address.substring(ROOM_PREFIX.length()))) {
      String roomId = address.substring(ROOM_PREFIX.length());
      // Checked on every register: the membership lookup is cached in Redis, backed by MySQL. Frames after the
      // register wait until it is in place, so a send right after it is seen on the room like by any member.
      await();
      hub.client.isMember(userId(), roomId).onComplete(member -> {
        if (member.succeeded() && member.result()) {
          hub.follow(this, roomId).compose(followed -> hub.startStreams(this, java.util.List.of(roomId)))
              .onComplete(started -> proceed());
        } else {
          denied(address, ErrorCode.FORBIDDEN, "access_denied");
          proceed();
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
