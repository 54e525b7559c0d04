package dev.parley.notifier.push;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * At most one push per user and room per {@code push.coalesceSeconds}: the first notification opens a window,
 * the ones arriving during it are counted, and when it closes one push goes out about all of them (a burst of
 * 50 mentions is one push that says 50). Reading the room up to the newest of them drops the pending push.
 * Bounded ({@code push.maxPending} open windows); confined to the notifier's event loop.
 */
final class PushCoalescer {

  /** A window that closed: {@code count} notifications of one room for one user, the newest {@code latest}. */
  record Flush(String userId, String roomId, int count, JsonObject latest) {
  }

  interface Sink {
    void flush(Flush flush);
  }

  private static final class Pending {
    final long timer;
    int count;
    JsonObject latest;

    Pending(long timer, JsonObject latest) {
      this.timer = timer;
      this.latest = latest;
      this.count = 1;
    }
  }

  private final Vertx vertx;
  private final long windowMs;
  private final int maxPending;
  private final Sink sink;
  private final Runnable overflow;
  private final Map<String, Pending> pending = new HashMap<>();

  PushCoalescer(Vertx vertx, long windowMs, int maxPending, Sink sink, Runnable overflow) {
    this.vertx = vertx;
    this.windowMs = windowMs;
    this.maxPending = maxPending;
    this.sink = sink;
    this.overflow = overflow;
  }

  /** A notification ({@code room}, {@code seq}, ...) for {@code userId} that may be pushed. */
  void add(String userId, JsonObject notification) {
    String roomId = notification.getString("room");
    String key = userId + "/" + roomId;
    Pending open = pending.get(key);
    if (open != null) {
      open.count++;
      if (notification.getLong("seq") >= open.latest.getLong("seq")) {
        open.latest = notification;
      }
      return;
    }
    if (pending.size() >= maxPending) {
      overflow.run();
      return;
    }
    long timer = vertx.setTimer(Math.max(1, windowMs), fired -> {
      Pending closed = pending.remove(key);
      if (closed != null) {
        sink.flush(new Flush(userId, roomId, closed.count, closed.latest));
      }
    });
    pending.put(key, new Pending(timer, notification));
  }

  /** Whether a window is open for {@code userId} in {@code roomId}: a notification would only be counted. */
  boolean open(String userId, String roomId) {
    return pending.containsKey(userId + "/" + roomId);
  }

  /** The user read the room up to {@code seq}: a pending push about nothing newer is dropped. */
  void read(String userId, String roomId, long seq) {
    String key = userId + "/" + roomId;
    Pending open = pending.get(key);
    if (open != null && open.latest.getLong("seq") <= seq) {
      pending.remove(key);
      vertx.cancelTimer(open.timer);
    }
  }

  int size() {
    return pending.size();
  }

  void close() {
    pending.values().forEach(open -> vertx.cancelTimer(open.timer));
    pending.clear();
  }
}
