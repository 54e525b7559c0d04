package dev.parley.loadgen;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One event loop's share of the users: their WebSockets, opened over the ramp from several local source
 * addresses (each address has its own ~28k ephemeral ports), and their send timers.
 */
final class LoadVerticle extends VerticleBase {

  private final Options options;
  private final List<Setup.User> users;
  private final Stats stats;
  private final Deliveries deliveries;
  final List<ChatSocket> sockets = new ArrayList<>();
  private final List<WebSocketClient> clients = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();

  LoadVerticle(Options options, List<Setup.User> users, Stats stats, Deliveries deliveries) {
    this.options = options;
    this.users = users;
    this.stats = stats;
    this.deliveries = deliveries;
  }

  @Override
  public Future<?> start() {
    for (String source : options.sourceAddresses()) {
      clients.add(vertx.createWebSocketClient(new WebSocketClientOptions().setLocalAddress(source)
          .setMaxConnections(Integer.MAX_VALUE).setConnectTimeout(30_000).setIdleTimeout(0)));
    }
    users.forEach(user -> sockets.add(new ChatSocket(user, stats, deliveries)));
    return Future.succeededFuture();
  }

  /** Opens every socket, spread evenly over the ramp; completes when all answered (ready or failed). */
  Future<Void> connectAll() {
    List<Future<Void>> all = new ArrayList<>();
    long rampMs = options.rampSeconds() * 1000L;
    for (int i = 0; i < sockets.size(); i++) {
      ChatSocket socket = sockets.get(i);
      long delay = sockets.size() <= 1 ? 1 : Math.max(1, rampMs * i / sockets.size());
      io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
      vertx.setTimer(delay, id -> connect(socket).onComplete(done));
      all.add(done.future());
    }
    return Future.join(all).<Void>mapEmpty().otherwiseEmpty();
  }

  Future<Void> connect(ChatSocket socket) {
    WebSocketClient client = clients.get(socket.user.index % clients.size());
    return socket.connect(client, options.target(socket.user.index)).onSuccess(ok -> stats.connected.increment())
        .onFailure(failed -> {
          stats.connectFailures.increment();
          if (stats.connectFailures.sum() <= 3) {
            System.err.println("loadgen: a connect failed: " + failed.getMessage());
          }
        });
  }

  /** Each user sends one message every interval, at a random phase so the load is even. */
  void startSending() {
    vertx.runOnContext(start -> {
      for (ChatSocket socket : sockets) {
        long phase = 1 + ThreadLocalRandom.current().nextLong(options.sendIntervalMs());
        timers.add(vertx.setTimer(phase, first -> {
          socket.send();
          timers.add(vertx.setPeriodic(options.sendIntervalMs(), id -> socket.send()));
        }));
      }
    });
  }

  void stopSending() {
    vertx.runOnContext(stop -> {
      timers.forEach(vertx::cancelTimer);
      timers.clear();
    });
  }

  /**
   * Drops every socket at once, then each reconnects and resumes the way real clients do: after a random
   * delay within {@code --reconnect-jitter-ms}, and after a failed attempt again with exponential backoff and
   * jitter (1 s doubling up to 30 s, each wait drawn between half and all of it). A thundering herd that
   * reconnects in the same millisecond and never retries is not what a server meets after a network blip.
   * Completes when every socket resumed or gave up.
   */
  Future<Void> storm() {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    vertx.runOnContext(start -> {
      sockets.forEach(ChatSocket::drop);
      long droppedAt = System.nanoTime();
      List<Future<Void>> again = new ArrayList<>();
      for (ChatSocket socket : sockets) {
        long delay = 1 + ThreadLocalRandom.current().nextLong(Math.max(1, options.reconnectJitterMs()));
        again.add(reconnect(socket, droppedAt, delay, 0));
      }
      Future.join(again).<Void>mapEmpty().otherwiseEmpty().onComplete(done);
    });
    return done.future();
  }

  private static final int MAX_ATTEMPTS = 8;

  private Future<Void> reconnect(ChatSocket socket, long droppedAt, long delayMs, int attempt) {
    io.vertx.core.Promise<Void> resumed = io.vertx.core.Promise.promise();
    vertx.setTimer(delayMs, id -> connect(socket).compose(ready -> socket.resume()).onComplete(result -> {
      if (result.succeeded()) {
        stats.resumeLatency.recordValue((System.nanoTime() - droppedAt) / 1000);
        resumed.complete();
      } else if (attempt + 1 >= MAX_ATTEMPTS) {
        resumed.fail(result.cause());
      } else {
        stats.reconnectRetries.increment();
        long backoff = Math.min(30_000L, 1000L << attempt);
        long wait = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        reconnect(socket, droppedAt, wait, attempt + 1).onComplete(resumed);
      }
    }));
    return resumed.future();
  }

  void closeAll() {
    vertx.runOnContext(close -> sockets.forEach(ChatSocket::close));
  }
}
