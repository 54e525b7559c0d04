package dev.parley.loadgen;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One user of scripts/chaos, behaving like a real client that must not lose a message: its {@link Outbox} keeps
 * every send's id until it is acknowledged and sends it again with the same id after a reconnect, after an error
 * and when no answer came within the ack timeout (the server stores it once, per the contract's idempotency). This
 * class is the socket's lifecycle and what the client received: a closed
 * socket reconnects after an exponential backoff with jitter, to the other edge after two failures; a socket
 * that heard nothing (not even a pong) for the heartbeat timeout is given up as dead (a frozen node does not
 * close it); after every reconnect it resumes from the highest seq up to which it has every message.
 * Confined to the event loop of its verticle.
 */
final class ReliableClient {

  private static final long PING_EVERY_NANOS = 2_000_000_000L;
  private static final long HEARTBEAT_TIMEOUT_NANOS = 8_000_000_000L;
  private static final long BACKOFF_BASE_MS = 250;
  private static final long BACKOFF_CAP_MS = 5_000;

  final Setup.User user;
  private final Vertx vertx;
  private final WebSocketClient client;
  private final Options options;
  private final Timeline timeline;
  private final HistoryReader history;
  final Outbox outbox;
  /** The seqs of this user's room that reached this client, and the message id seen at each. */
  final BitSet seen = new BitSet();
  final Map<Long, String> seenIds = new HashMap<>();
  /** The same seq twice on one connection (a server bug; after a resume a repeat is expected and dropped). */
  long repeatsOnOneConnection;
  private BitSet seenThisConnection = new BitSet();
  private WebSocket socket;
  private int generation;
  private volatile boolean open;
  private boolean sending;
  private int failures;
  private int targetShift;
  private long lastFrameNanos;
  private long lastPingNanos;
  private Promise<Void> resumed;
  /** The position the last resume asked from. */
  private long resumedFrom;

  ReliableClient(Setup.User user, Vertx vertx, WebSocketClient client, HistoryReader history, Options options,
      Timeline timeline) {
    this.user = user;
    this.vertx = vertx;
    this.client = client;
    this.history = history;
    this.options = options;
    this.timeline = timeline;
    this.outbox = new Outbox(user.username, user.room.id, options, timeline);
  }

  boolean isOpen() {
    return open;
  }

  int pendingCount() {
    return outbox.pendingCount();
  }

  long oldestPendingNanos(long now) {
    return outbox.oldestPendingNanos(now);
  }

  void startSending() {
    sending = true;
  }

  void stopSending() {
    sending = false;
  }

  /** Opens the socket; completes when the first {@code ready} arrived or the first attempt failed. */
  io.vertx.core.Future<Void> connect() {
    Promise<Void> first = Promise.promise();
    open(first);
    return first.future();
  }

  private void open(Promise<Void> first) {
    int mine = ++generation;
    Options.Target target = options.target(user.index + targetShift);
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setHost(target.host())
        .setPort(target.socketPort()).setURI("/ws").addHeader("Authorization", "Bearer " + user.token)
        .setAllowOriginHeader(false).setTimeout(5_000);
    client.connect(connect).onComplete(result -> {
      if (mine != generation) {
        if (result.succeeded()) {
          result.result().close();
        }
        return;
      }
      if (result.failed()) {
        timeline.connectFailures.increment();
        if (first != null) {
          first.tryFail(result.cause());
        }
        scheduleReconnect();
        return;
      }
      WebSocket ws = result.result();
      socket = ws;
      lastFrameNanos = System.nanoTime();
      ws.textMessageHandler(text -> {
        if (mine == generation) {
          onFrame(text, first);
        }
      });
      ws.closeHandler(closed -> {
        if (mine == generation) {
          lost();
        }
      });
      ws.exceptionHandler(failed -> {
      });
    });
  }

  /** The connection is gone (closed, or given up as dead): reconnect later. */
  private void lost() {
    generation++;
    if (open) {
      timeline.disconnects.increment();
    }
    open = false;
    if (resumed != null) {
      resumed.tryFail("connection lost before resumed");
    }
    if (socket != null) {
      socket.close();
      socket = null;
    }
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    failures++;
    if (failures > 2) {
      targetShift++;
    }
    long backoff = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS << Math.min(failures - 1, 10));
    long wait = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
    vertx.setTimer(Math.max(1, wait), id -> open(null));
  }

  private void onFrame(String text, Promise<Void> first) {
    lastFrameNanos = System.nanoTime();
    JsonObject frame = new JsonObject(text);
    switch (frame.getString("type", "")) {
      case "ready" -> {
        boolean reconnect = first == null;
        open = true;
        failures = 0;
        seenThisConnection = new BitSet();
        if (reconnect) {
          timeline.reconnects.increment();
        }
        resume();
        outbox.resendAll(socket);
        if (first != null) {
          first.tryComplete();
        }
      }
      case "ack" -> outbox.onAck(frame.getString("id"), frame.getLong("seq"), frame.getString("msgId"));
      case "error" -> outbox.onError(frame.getString("id"), frame.getString("code"));
      case "message" -> onMessage(frame.getLong("seq"), frame.getString("id"));
      case "gap" -> {
        timeline.gaps.increment();
        reload(frame.getLong("after"), frame.getLong("next") - 1);
      }
      case "resumed" -> {
        JsonObject room = frame.getJsonObject("rooms", new JsonObject()).getJsonObject(user.room.id);
        Promise<Void> answered = resumed;
        if (room != null && !room.getBoolean("recovered", true)) {
          timeline.unrecovered.increment();
          reload(resumedFrom, room.getLong("lastSeq", Long.MAX_VALUE)).onComplete(read -> {
            if (answered != null) {
              answered.tryComplete();
            }
          });
        } else if (answered != null) {
          answered.tryComplete();
        }
      }
      default -> {
      }
    }
  }

  private void onMessage(long seq, String msgId) {
    int at = Math.toIntExact(seq);
    if (seenThisConnection.get(at)) {
      repeatsOnOneConnection++;
    }
    seenThisConnection.set(at);
    seen.set(at);
    seenIds.put(seq, msgId);
  }

  /** Reads seqs {@code after+1..upTo} through REST: what the server said this socket would not get. */
  private io.vertx.core.Future<Void> reload(long after, long upTo) {
    return history.read(user.room, user, after, upTo).onSuccess(messages -> messages.forEach(message -> {
      long seq = message.getLong("seq");
      seen.set(Math.toIntExact(seq));
      seenIds.put(seq, message.getString("id"));
      timeline.reloaded.increment();
    })).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Highest n such that this client saw every seq 1..n. */
  long contiguousSeq() {
    return seen.nextClearBit(1) - 1L;
  }

  /** Asks for everything after {@link #contiguousSeq()}; completes on {@code resumed}. */
  io.vertx.core.Future<Void> resume() {
    resumed = Promise.promise();
    if (!open || socket == null) {
      resumed.fail("not connected");
      return resumed.future();
    }
    resumedFrom = contiguousSeq();
    socket.writeTextMessage(new JsonObject().put("type", "resume")
        .put("positions", new JsonObject().put(user.room.id, resumedFrom)).encode());
    return resumed.future();
  }

  /** Called every 100 ms on the client's event loop: heartbeat, re-sends, the next send when it is due. */
  void tick(long now, boolean sendDue) {
    if (open) {
      if (now - lastFrameNanos > HEARTBEAT_TIMEOUT_NANOS) {
        timeline.heartbeatTimeouts.increment();
        lost();
        return;
      }
      if (now - lastPingNanos > PING_EVERY_NANOS) {
        lastPingNanos = now;
        socket.writeTextMessage("{\"type\":\"ping\"}");
      }
      outbox.resendDue(socket, now);
      if (sendDue && sending) {
        outbox.sendNext(socket, now);
      }
    } else if (sendDue && sending) {
      // A real client queues what its user typed while offline and sends it when it is back.
      outbox.sendNext(null, now);
    }
    outbox.gauges();
  }

  void close() {
    generation++;
    open = false;
    if (socket != null) {
      socket.close();
    }
  }
}
