package dev.parley.socket;

import dev.parley.common.auth.AccessTokens.Claims;
import dev.parley.contract.Addresses;
import dev.parley.contract.RoomEvent;
import dev.parley.contract.UserEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
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
  final Claims claims;
  final SessionHub hub;
  final Map<String, RoomCursor> rooms = new HashMap<>();
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

  /** {@code address} and {@code frame}: the event's room address and frame, shared by the room's sessions. */
  void onRoomEvent(RoomEvent event, String address, Frame frame) {
    // One lookup per recipient: this runs for every member's socket of every event.
    RoomCursor cursor = closed ? null : rooms.get(event.roomId());
    if (cursor == null) {
      return;
    }
    if (event.userId() != null && event.userId().equals(userId())) {
      return;
    }
    if (RoomEvent.PRESENCE.equals(event.type())) {
      // A user shares several rooms with this socket: tell it once per change.
      if (event.frame().equals(lastPresence.put(event.userId(), event.frame()))) {
        return;
      }
    }
    if (RoomEvent.MESSAGE.equals(event.type())) {
      onMessage(event.roomId(), cursor, address, event.seq(), frame);
    } else {
      write(address, frame);
    }
  }

  /** A WebSocket gets its user's events always; a bridge socket once it registered its user address. */
  abstract boolean receivesUserEvents();

  void onUserEvent(UserEvent event) {
    if (!closed && receivesUserEvents()) {
      write(Addresses.user(userId()), event.frame());
    }
  }

  private void onMessage(String roomId, RoomCursor cursor, String address, long seq, Frame frame) {
    if (cursor.last >= 0 && seq <= cursor.last) {
      return;
    }
    if (holding) {
      cursor.pending.put(seq, frame);
      return;
    }
    if (!cursor.filling && (cursor.last < 0 || seq == cursor.last + 1)) {
      cursor.last = seq;
      write(address, frame);
      drain(roomId, cursor);
      return;
    }
    cursor.pending.put(seq, frame);
    if (!cursor.filling) {
      fill(roomId, cursor).onSuccess(filled -> {
        if (!filled) {
          flushPending(roomId, cursor);
        }
      });
    }
  }

  /** History pages are at most this long (persistence's limit). */
  private static final int PAGE = 200;

  /**
   * Reads the hole below the pending events from history and delivers it in order, then what waited. False
   * when the hole is wider than the resume window: nothing is replayed and the client reloads through REST.
   */
  private Future<Boolean> fill(String roomId, RoomCursor cursor) {
    cursor.filling = true;
    long from = Math.max(0, cursor.last);
    return fillPage(roomId, cursor, from).transform(result -> {
      cursor.filling = false;
      if (result.failed()) {
        // History could not be read (persistence away): deliver what waited; the client sees the hole.
        flushPending(roomId, cursor);
        return Future.succeededFuture(false);
      }
      if (!result.result()) {
        return Future.succeededFuture(false);
      }
      drain(roomId, cursor);
      if (!cursor.pending.isEmpty() && !closed && rooms.containsKey(roomId)) {
        // Committed after the read: read again.
        return fill(roomId, cursor);
      }
      return Future.succeededFuture(true);
    });
  }

  private Future<Boolean> fillPage(String roomId, RoomCursor cursor, long from) {
    return hub.history(userId(), roomId, cursor.last < 0 ? from : cursor.last, PAGE).compose(page -> {
      if (closed || !rooms.containsKey(roomId)) {
        return Future.succeededFuture(false);
      }
      if (page.getLong("lastSeq", 0L) - from > hub.config.resumeWindow()) {
        return Future.succeededFuture(false);
      }
      JsonArray messages = page.getJsonArray("messages");
      for (int i = 0; i < messages.size(); i++) {
        JsonObject message = messages.getJsonObject(i);
        long seq = message.getLong("seq");
        if (seq > cursor.last) {
          cursor.last = seq;
          write(Addresses.room(roomId), message.copy().put("type", RoomEvent.MESSAGE).encode());
        }
      }
      return page.getBoolean("hasMore") ? fillPage(roomId, cursor, from) : Future.succeededFuture(true);
    });
  }

  private void flushPending(String roomId, RoomCursor cursor) {
    cursor.pending.forEach((seq, frame) -> write(Addresses.room(roomId), frame));
    if (!cursor.pending.isEmpty()) {
      cursor.last = cursor.pending.lastKey();
    }
    cursor.pending.clear();
  }

  private void drain(String roomId, RoomCursor cursor) {
    while (!cursor.pending.isEmpty()) {
      Map.Entry<Long, Frame> next = cursor.pending.firstEntry();
      if (next.getKey() <= cursor.last) {
        cursor.pending.pollFirstEntry();
      } else if (next.getKey() == cursor.last + 1) {
        cursor.pending.pollFirstEntry();
        cursor.last = next.getKey();
        write(Addresses.room(roomId), next.getValue());
      } else {
        return;
      }
    }
  }

  /**
   * Replays what the client missed since {@code positions} (room -> last seen seq), room by room, then answers
   * which rooms were recovered; past the resume window a room is not replayed ({@code recovered: false}).
   */
  Future<JsonObject> resume(Map<String, Long> positions) {
    holding = false;
    rooms.forEach((roomId, cursor) -> {
      if (!positions.containsKey(roomId)) {
        startFromPending(roomId, cursor);
      }
    });
    JsonObject result = new JsonObject();
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, Long> position : positions.entrySet()) {
      String roomId = position.getKey();
      RoomCursor cursor = rooms.get(roomId);
      if (cursor == null) {
        result.put(roomId, new JsonObject().put("recovered", false).put("lastSeq", 0));
        continue;
      }
      chain = chain.compose(previous -> {
        long seen = Math.max(0, position.getValue());
        boolean upToDate = cursor.start >= 0 && seen >= cursor.start && !cursor.filling;
        if (upToDate) {
          // It had everything when this socket subscribed: no history read, only what was held since, in order.
          // (What the grace already released from here on was delivered on this socket: it has that too.)
          cursor.last = Math.max(cursor.last, seen);
          drain(roomId, cursor);
          if (cursor.pending.isEmpty()) {
            result.put(roomId, new JsonObject().put("recovered", true).put("lastSeq", cursor.last));
            return Future.succeededFuture();
          }
        } else {
          cursor.last = seen;
        }
        return fill(roomId, cursor).map(recovered -> {
          if (!recovered) {
            // Too far behind: the client reloads through REST; live messages flow from here on.
            flushPending(roomId, cursor);
          }
          result.put(roomId, new JsonObject().put("recovered", recovered).put("lastSeq", Math.max(0, cursor.last)));
          return null;
        });
      });
    }
    return chain.map(done -> result);
  }

  /** Ends the hold without a resume: what was held is delivered in order, holes filled from history. */
  void release() {
    if (!holding) {
      return;
    }
    holding = false;
    rooms.forEach(this::startFromPending);
  }

  private void startFromPending(String roomId, RoomCursor cursor) {
    if (cursor.pending.isEmpty() || cursor.filling) {
      return;
    }
    if (cursor.last < 0) {
      cursor.last = cursor.pending.firstKey() - 1;
    }
    drain(roomId, cursor);
    if (!cursor.pending.isEmpty()) {
      fill(roomId, cursor).onSuccess(filled -> {
        if (!filled) {
          flushPending(roomId, cursor);
        }
      });
    }
  }

  /** Sends of one socket to one room go out one after the other, so they are stored in the order sent. */
  Future<JsonObject> send(String roomId, String clientMsgId, String text, Long replyTo, List<String> attachments) {
    Future<?> previous = sendChains.getOrDefault(roomId, Future.succeededFuture());
    inFlightSends++;
    Future<JsonObject> mine = previous
        .transform(done -> hub.send(this, roomId, clientMsgId, text, replyTo, attachments))
        .andThen(done -> inFlightSends--);
    sendChains.put(roomId, mine);
    mine.onComplete(done -> sendChains.remove(roomId, mine));
    return mine;
  }

  Set<String> roomIds() {
    return rooms.keySet();
  }
}
