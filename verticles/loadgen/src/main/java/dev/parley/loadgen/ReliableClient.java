package dev.parley.loadgen;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One user of scripts/chaos, behaving like a real client that must not lose a message: every send keeps its
 * id until it is acknowledged and is sent again with the same id after a reconnect, after an error and when no
 * answer came within the ack timeout (the server stores it once, per the contract's idempotency); a closed
 * socket reconnects after an exponential backoff with jitter, to the other edge after two failures; a socket
 * that heard nothing (not even a pong) for the heartbeat timeout is given up as dead (a frozen node does not
 * close it); after every reconnect it resumes from the highest seq up to which it has every message.
 * Confined to the event loop of its verticle.
 */
final class ReliableClient {

  /** The acknowledgement of a send: where the server stored it. */
  record Ack(long seq, String msgId) {
  }

  private static final class Pending {
    final String text;
    final long firstSentNanos;
    /** When it is sent again if no ack came. */
    long resendAtNanos;
    int attempts;

    Pending(String text, long now) {
      this.text = text;
      this.firstSentNanos = now;
      this.resendAtNanos = now;
    }
  }

  private static final long PING_EVERY_NANOS = 2_000_000_000L;
  private static final long HEARTBEAT_TIMEOUT_NANOS = 8_000_000_000L;
  private static final long BACKOFF_BASE_MS = 250;
  private static final long BACKOFF_CAP_MS = 5_000;

  final Setup.User user;
  private final Vertx vertx;
  private final WebSocketClient client;
  private final Options options;
  private final Timeline timeline;
  private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
  /** Acknowledged sends by client message id. */
  final Map<String, Ack> acked = new HashMap<>();
  /** The seqs of this user's room that reached this client, and the message id seen at each. */
  final BitSet seen = new BitSet();
  final Map<Long, String> seenIds = new HashMap<>();
  /** The same seq twice on one connection (a server bug; after a resume a repeat is expected and dropped). */
  long repeatsOnOneConnection;
  /** The same client message id acknowledged at two different seqs. */
  long conflictingAcks;
  private BitSet seenThisConnection = new BitSet();
  private WebSocket socket;
  private int generation;
  private volatile boolean open;
  private volatile int pendingCount;
  private volatile long oldestPendingNanos;
  private boolean sending;
  private int failures;
  private int targetShift;
  private long counter;
  private long lastFrameNanos;
  private long lastPingNanos;
  private Promise<Void> resumed;

  ReliableClient(Setup.User user, Vertx vertx, WebSocketClient client, Options options, Timeline timeline) {
    this.user = user;
    this.vertx = vertx;
    this.client = client;
    this.options = options;
    this.timeline = timeline;
  }

  boolean isOpen() {
    return open;
  }

  int pendingCount() {
    return pendingCount;
  }

  long oldestPendingNanos(long now) {
    long first = oldestPendingNanos;
    return first == 0 ? 0 : now - first;
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
        for (Map.Entry<String, Pending> unacked : pending.entrySet()) {
          if (unacked.getValue().attempts > 0) {
            timeline.resent.increment();
          }
          write(unacked.getKey(), unacked.getValue());
        }
        if (first != null) {
          first.tryComplete();
        }
      }
      case "ack" -> onAck(frame.getString("id"), frame.getLong("seq"), frame.getString("msgId"));
      case "error" -> {
        String id = frame.getString("id");
        Pending failed = id == null ? null : pending.get(id);
        if (failed != null) {
          timeline.error(frame.getString("code"));
          // Sent again by tick() after a short backoff with jitter.
          failed.resendAtNanos = System.nanoTime() + (250 + ThreadLocalRandom.current().nextLong(500)) * 1_000_000L;
        }
      }
      case "message" -> onMessage(frame.getLong("seq"), frame.getString("id"));
      case "resumed" -> {
        if (resumed != null) {
          resumed.tryComplete();
        }
      }
      default -> {
      }
    }
  }

  private void onAck(String id, Long seq, String msgId) {
    Pending done = pending.remove(id);
    Ack previous = acked.get(id);
    if (previous != null && previous.seq() != seq) {
      conflictingAcks++;
    }
    if (done != null) {
      acked.put(id, new Ack(seq, msgId));
      timeline.ack((System.nanoTime() - done.firstSentNanos) / 1000);
    }
    gauges();
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
    socket.writeTextMessage(new JsonObject().put("type", "resume")
        .put("positions", new JsonObject().put(user.room.id, contiguousSeq())).encode());
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
      for (Map.Entry<String, Pending> unacked : pending.entrySet()) {
        if (now >= unacked.getValue().resendAtNanos) {
          if (unacked.getValue().attempts > 0) {
            timeline.resent.increment();
          }
          write(unacked.getKey(), unacked.getValue());
        }
      }
      if (sendDue && sending && pending.size() < options.maxInFlight()) {
        String id = user.username + "-" + counter++;
        Pending send = new Pending("chaos " + id, now);
        pending.put(id, send);
        timeline.sent.increment();
        write(id, send);
      }
    } else if (sendDue && sending) {
      // A real client queues what its user typed while offline and sends it when it is back.
      if (pending.size() < options.maxInFlight()) {
        String id = user.username + "-" + counter++;
        pending.put(id, new Pending("chaos " + id, now));
        timeline.sent.increment();
      }
    }
    gauges();
  }

  private void write(String id, Pending send) {
    send.attempts++;
    // The wait for an ack doubles with each attempt (up to 8 times the ack timeout): a slow server is not
    // answered with a storm of re-sends.
    send.resendAtNanos = System.nanoTime() + (options.ackTimeoutMs() * 1_000_000L << Math.min(3, send.attempts - 1));
    socket.writeTextMessage(new JsonObject().put("type", "send").put("id", id).put("room", user.room.id)
        .put("text", send.text).encode());
  }

  private void gauges() {
    pendingCount = pending.size();
    oldestPendingNanos = pending.isEmpty() ? 0 : pending.values().iterator().next().firstSentNanos;
  }

  void close() {
    generation++;
    open = false;
    if (socket != null) {
      socket.close();
    }
  }
}
