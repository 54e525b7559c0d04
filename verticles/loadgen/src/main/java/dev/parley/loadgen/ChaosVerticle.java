package dev.parley.loadgen;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One event loop's share of the chaos clients: opens them over the ramp and drives them every 100 ms (heartbeat,
 * re-sends, one new send per user per send interval at a random phase).
 */
final class ChaosVerticle extends VerticleBase {

  private static final long TICK_MS = 100;

  private final Options options;
  private final List<Setup.User> users;
  private final Timeline timeline;
  final List<ReliableClient> clients = new ArrayList<>();
  private long[] nextSendNanos;

  ChaosVerticle(Options options, List<Setup.User> users, Timeline timeline) {
    this.options = options;
    this.users = users;
    this.timeline = timeline;
  }

  @Override
  public Future<?> start() {
    WebSocketClient sockets = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(Integer.MAX_VALUE).setConnectTimeout(5_000).setIdleTimeout(0));
    HistoryReader history = new HistoryReader(WebClient.create(vertx), options.target(0));
    users.forEach(user -> clients.add(new ReliableClient(user, vertx, sockets, history, options, timeline)));
    nextSendNanos = new long[clients.size()];
    vertx.setPeriodic(TICK_MS, id -> tick());
    return Future.succeededFuture();
  }

  /** Opens every client, spread over the ramp; completes when each has connected once or failed once. */
  Future<Void> connectAll() {
    List<Future<Void>> all = new ArrayList<>();
    long rampMs = options.rampSeconds() * 1000L;
    for (int i = 0; i < clients.size(); i++) {
      ReliableClient client = clients.get(i);
      io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
      vertx.setTimer(Math.max(1, rampMs * i / Math.max(1, clients.size())), id -> client.connect().onComplete(done));
      all.add(done.future());
    }
    return Future.join(all).<Void>mapEmpty().otherwiseEmpty();
  }

  void startSending() {
    vertx.runOnContext(v -> {
      long now = System.nanoTime();
      long interval = options.sendIntervalMs() * 1_000_000L;
      for (int i = 0; i < clients.size(); i++) {
        nextSendNanos[i] = now + ThreadLocalRandom.current().nextLong(interval);
        clients.get(i).startSending();
      }
    });
  }

  void stopSending() {
    vertx.runOnContext(v -> clients.forEach(ReliableClient::stopSending));
  }

  /** Every client resumes once more (the final catch-up before the verification); completes when all did. */
  Future<Void> resumeAll() {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> Future.join(clients.stream().map(ReliableClient::resume).toList())
        .<Void>mapEmpty().onComplete(done));
    return done.future();
  }

  void closeAll() {
    vertx.runOnContext(v -> clients.forEach(ReliableClient::close));
  }

  private void tick() {
    long now = System.nanoTime();
    long interval = options.sendIntervalMs() * 1_000_000L;
    for (int i = 0; i < clients.size(); i++) {
      boolean due = now >= nextSendNanos[i];
      if (due) {
        nextSendNanos[i] += interval;
      }
      clients.get(i).tick(now, due);
    }
  }
}
