package dev.parley.socket;

import dev.parley.common.auth.AccessTokens.Claims;
import dev.parley.contract.Addresses;
import dev.parley.contract.RoomEvent;
import dev.parley.contract.SendRequest;
import dev.parley.contract.UserEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One authenticated real-time connection, WebSocket or SockJS bridge: the rooms it follows, its place in each
 * room's message stream, and delivery with bounded buffering. Event-loop confined (its verticle's loop).
 */
abstract class Session {

  final String id = UUID.randomUUID().toString();
  /** The token this socket is authenticated with; a fresh one of the same user replaces it (see renew). */
  private Claims claims;
  private long expiryTimer = -1;
  final SessionHub hub;
  final Map<String, RoomStream> rooms = new HashMap<>();
  private final Map<String, String> lastPresence = new HashMap<>();
  private final Map<String, Future<?>> sendChains = new HashMap<>();
  long lastHeardNanos = System.nanoTime();
  boolean closed;
  /**
   * A new WebSocket holds live message events until its client has sent {@code resume} (or anything else, or a
   * short grace passed), so a replayed backlog always comes before the live messages above it.
   */
  boolean holding;
  int inFlightSends;
  private int invalidFrames;

  final TokenBucket rate;
  private final ReadStream<?> input;
  private final WriteStream<?> output;

  /** {@code input} and {@code output} are the two sides of one socket (a ServerWebSocket or a SockJSSocket). */
  Session(Claims claims, SessionHub hub, ReadStream<?> input, WriteStream<?> output) {
    this.claims = claims;
    this.hub = hub;
    this.input = input;
    this.output = output;
    this.rate = new TokenBucket(hub.config.messagesPerSecond(), hub.config.messageBurst());
  }

  String userId() {
    return claims.userId();
  }

  Claims claims() {
    return claims;
  }

  /**
   * Closes the socket with 4401 when its token expires: a socket lives only as long as a valid token, so a
   * client sends a fresh one before {@code exp} ({@link #renew}).
   */
  final void watchExpiry() {
    if (expiryTimer >= 0) {
      hub.vertx.cancelTimer(expiryTimer);
    }
    long left = claims.expiresAt() * 1000 - System.currentTimeMillis();
    expiryTimer = hub.vertx.setTimer(Math.max(1, left), id -> close(CloseCodes.UNAUTHORIZED, "token expired"));
  }

  /**
   * A fresh, session-checked token: if it is the same user's, the socket lives on until the later expiry (and
   * revocation follows the fresh token's login session). False for another user's token.
   */
  final boolean renew(Claims fresh) {
    if (!fresh.userId().equals(userId())) {
      return false;
    }
    if (fresh.expiresAt() > claims.expiresAt()) {
      claims = fresh;
      watchExpiry();
    }
    return true;
  }

  /** Cancels the session's own timers (it is gone). */
  final void forget() {
    if (expiryTimer >= 0) {
      hub.vertx.cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
  }

  /** Writes one frame for {@code address} (the bridge needs it; a raw WebSocket ignores it). */
  abstract void transmit(String address, Frame frame);

  /** A WebSocket follows every room of its user; a bridge socket only the rooms it registered. */
  abstract boolean followsAllRooms();

  /** Stops reading frames from the client (shutdown drains what is already in flight). */
  final void pauseInput() {
    input.pause();
  }

  /** Sends the close frame with a contract close code and ends the connection (once). */
  final void close(int code, String reason) {
    if (!closed) {
      closed = true;
      closeSocket(code, reason);
    }
  }

  abstract void closeSocket(int code, String reason);

  /** True when the socket's outbound buffer is over its bound: a slow consumer. */
  final boolean overflowing() {
    return output.writeQueueFull();
  }

  /** Counts an invalid frame; true once there were more than {@code socket.maxInvalidFrames} (close 1008). */
  final boolean tooManyInvalid() {
    return ++invalidFrames > hub.config.maxInvalidFrames();
  }

  void heard() {
    lastHeardNanos = System.nanoTime();
  }

  final void write(String address, String text) {
    write(address, new Frame(text));
  }

  /** Delivers a frame, or closes the socket with 4409 when the client does not keep up. */
  final void write(String address, Frame frame) {
    if (closed) {
      return;
    }
    if (overflowing()) {
      hub.metrics.slowConsumer();
      close(CloseCodes.SLOW_CONSUMER, "slow consumer: reconnect and resume");
      return;
    }
    transmit(address, frame);
    hub.metrics.delivered();
  }

  // --- inbound events ---------------------------------------------------------------------------------------

  /**
   * A room event other than a new message (those go straight to the room's {@link RoomStream}s). {@code address}
   * and {@code frame}: the event's room address and frame, shared by the room's sessions.
   */
  void onRoomEvent(RoomEvent event, String address, Frame frame) {
    if (closed || !rooms.containsKey(event.roomId())) {
      return;
    }
    if (event.userId() != null && event.userId().equals(userId())) {
      return;
    }
    if (RoomEvent.PRESENCE.equals(event.type())) {
      // A user shares several rooms with this socket: tell it once per change, and only if it may see it.
      if (!event.frame().equals(lastPresence.put(event.userId(), event.frame()))) {
        hub.visibility.visible(userId(), event.userId()).onSuccess(visible -> {
          if (visible) {
            write(address, frame);
          }
        });
      }
      return;
    }
    write(address, frame);
  }

  /** A WebSocket gets its user's events always; a bridge socket once it registered its user address. */
  abstract boolean receivesUserEvents();

  void onUserEvent(UserEvent event) {
    if (!closed && receivesUserEvents()) {
      write(Addresses.user(userId()), event.frame());
    }
  }

  /** A new stream for a room this session starts to follow (holding while the session holds). */
  RoomStream newStream(String roomId) {
    String address = Addresses.room(roomId);
    return new RoomStream(roomId, holding, frame -> write(address, frame),
        (after, limit) -> hub.client.history(userId(), roomId, after, limit),
        (delay, task) -> hub.vertx.setTimer(delay, id -> task.run()), hub.config.resumeWindow());
  }

  /**
   * Replays what the client missed since {@code positions} (room -> last seen seq), room by room, then answers
   * which rooms were recovered ({@link RoomStream#resume}); rooms not named are released.
   */
  Future<JsonObject> resume(Map<String, Long> positions) {
    holding = false;
    rooms.forEach((roomId, stream) -> {
      if (!positions.containsKey(roomId)) {
        stream.release();
      }
    });
    JsonObject result = new JsonObject();
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, Long> position : positions.entrySet()) {
      String roomId = position.getKey();
      RoomStream stream = rooms.get(roomId);
      if (stream == null) {
        result.put(roomId, new RoomStream.Resumed(false, 0).toJson());
        continue;
      }
      chain = chain.compose(previous -> stream.resume(position.getValue())
          .map(resumed -> {
            result.put(roomId, resumed.toJson());
            return null;
          }));
    }
    return chain.map(done -> result);
  }

  /** Ends the hold without a resume: what was held is delivered in order, holes filled from history. */
  void release() {
    if (holding) {
      holding = false;
      rooms.values().forEach(RoomStream::release);
    }
  }

  /** Sends of one socket to one room go out one after the other, so they are stored in the order sent. */
  Future<SendRequest.Ack> send(SendRequest send) {
    String roomId = send.room();
    Future<?> previous = sendChains.getOrDefault(roomId, Future.succeededFuture());
    inFlightSends++;
    Future<SendRequest.Ack> mine = previous.transform(done -> hub.client.send(userId(), claims.bot(), send))
        .andThen(done -> inFlightSends--);
    sendChains.put(roomId, mine);
    mine.onComplete(done -> sendChains.remove(roomId, mine));
    return mine;
  }

  Set<String> roomIds() {
    return rooms.keySet();
  }
}
