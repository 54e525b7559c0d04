package dev.parley.loadgen;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One user's WebSocket: sends timestamped messages, checks that its room's messages arrive in seq order
 * exactly once, and measures ack and delivery latency. Confined to the event loop that opened it.
 */
final class ChatSocket {

  final Setup.User user;
  private final Stats stats;
  private final Deliveries deliveries;
  private final Map<String, Long> pendingAcks = new HashMap<>();
  private WebSocket socket;
  private long lastSeq = -1;
  private long sendCount;
  /** Completed by the {@code resumed} answer to the last resume. */
  private io.vertx.core.Promise<Void> resumed;
  volatile boolean open;

  ChatSocket(Setup.User user, Stats stats, Deliveries deliveries) {
    this.user = user;
    this.stats = stats;
    this.deliveries = deliveries;
  }

  /** Connects and waits for {@code ready}. */
  Future<Void> connect(WebSocketClient client, Options.Target target) {
    long start = System.nanoTime();
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(target.host())
        .setPort(target.socketPort())
        // Not a browser: no Origin header (the server allows those; browsers are checked against the allow-list).
        .setAllowOriginHeader(false);
    if (user.tokenInUrl) {
      options.setURI("/ws?token=" + user.token);
    } else {
      options.setURI("/ws").addHeader("Authorization", "Bearer " + user.token);
    }
    io.vertx.core.Promise<Void> ready = io.vertx.core.Promise.promise();
    client.connect(options).onFailure(ready::tryFail).onSuccess(ws -> {
      socket = ws;
      ws.textMessageHandler(text -> onFrame(text, ready, start));
      ws.closeHandler(closed -> {
        if (open) {
          stats.disconnects.increment();
        }
        open = false;
        ready.tryFail("closed " + ws.closeStatusCode());
        if (resumed != null) {
          resumed.tryFail("closed " + ws.closeStatusCode() + " before resumed");
        }
      });
    });
    return ready.future();
  }

  private void onFrame(String text, io.vertx.core.Promise<Void> ready, long connectStart) {
    // Message frames are most of the traffic (50 per send): read their few fields without a JSON parse, so the
    // generator, which shares the machine with the server, spends as little CPU as it can per delivery.
    if (text.contains("\"type\":\"message\"")) {
      onMessage(longField(text, "\"seq\":"), stringField(text, "\"id\":\""), stringField(text, "\"text\":\""));
      return;
    }
    JsonObject frame = new JsonObject(text);
    switch (frame.getString("type", "")) {
      case "ready" -> {
        open = true;
        stats.connectLatency.recordValue((System.nanoTime() - connectStart) / 1000);
        ready.tryComplete();
      }
      case "ack" -> {
        Long sentAt = pendingAcks.remove(frame.getString("id"));
        if (sentAt != null) {
          stats.acked.increment();
          stats.ackLatency.recordValue((System.nanoTime() - sentAt) / 1000);
          deliveries.acked(user.room, frame.getString("msgId"));
        }
      }
      case "error" -> {
        if (frame.getString("id") != null && pendingAcks.remove(frame.getString("id")) != null) {
          stats.sendErrors.increment();
        }
      }
      case "message" -> onMessage(frame.getLong("seq"), frame.getString("id"), frame.getString("text", ""));
      case "resumed" -> {
        stats.resumed.increment();
        if (resumed != null) {
          resumed.tryComplete();
        }
      }
      default -> {
      }
    }
  }

  private void onMessage(long seq, String messageId, String text) {
    if (lastSeq >= 0 && seq <= lastSeq) {
      stats.duplicates.increment();
      return;
    }
    if (lastSeq >= 0 && seq != lastSeq + 1) {
      stats.outOfOrder.increment();
    }
    lastSeq = seq;
    stats.delivered.increment();
    deliveries.delivered(messageId);
    if (text != null && text.startsWith("lg|")) {
      long sentAt = Long.parseLong(text.substring(3, text.indexOf('|', 3)));
      stats.deliveryLatency.recordValue(Math.max(0, (System.nanoTime() - sentAt) / 1000));
    }
  }

  private static long longField(String json, String key) {
    int start = json.indexOf(key) + key.length();
    int end = start;
    while (end < json.length() && (Character.isDigit(json.charAt(end)) || json.charAt(end) == '-')) {
      end++;
    }
    return Long.parseLong(json.substring(start, end));
  }

  /** A string field the generator wrote itself or an id: no escapes inside. */
  private static String stringField(String json, String key) {
    int at = json.indexOf(key);
    if (at < 0) {
      return null;
    }
    int start = at + key.length();
    return json.substring(start, json.indexOf('"', start));
  }

  void send() {
    if (!open || socket.writeQueueFull()) {
      return;
    }
    long now = System.nanoTime();
    String id = UUID.randomUUID().toString();
    pendingAcks.put(id, now);
    stats.sent.increment();
    socket.writeTextMessage(new JsonObject().put("type", "send").put("id", id).put("room", user.room.id)
        .put("text", "lg|" + now + "|" + user.index + "|" + sendCount++).encode());
  }

  /** Drops the connection at once (1001, going away), like a client whose network changed. */
  void drop() {
    open = false;
    if (socket != null) {
      socket.close((short) 1001, "dropped");
    }
  }

  /** After a reconnect: asks for everything after the last seq this socket saw; completes when resumed. */
  Future<Void> resume() {
    resumed = io.vertx.core.Promise.promise();
    socket.writeTextMessage(new JsonObject().put("type", "resume")
        .put("positions", new JsonObject().put(user.room.id, Math.max(0, lastSeq))).encode());
    return resumed.future();
  }

  void close() {
    open = false;
    if (socket != null) {
      socket.close();
    }
  }
}
