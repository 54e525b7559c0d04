package dev.parley.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar parley-loadgen.jar --users=10000 --room-size=50 --send-interval-ms=10000 --duration=300
 * --ramp=60 --targets=127.0.0.1:8080:8090 --sources=127.0.0.1,127.0.0.2 --server-pid=<pid>}
 *
 * <p>{@code --synthetic=USERS:ROOMSIZE} skips registration: user i+1 in room i/ROOMSIZE+1 with the token
 * {@code u<id>.r<room>} in the URL, for the bare baseline server (shared/bench/ws-baseline) under the same
 * scenario as Parley.
 *
 * <p>Modes: {@code chat} (the k6 chat scenario: connect, everyone sends at the interval, measure),
 * {@code idle} (connect and hold: memory per connection), {@code storm} (connect, drop everything at once,
 * reconnect and resume like real clients: a random first delay up to {@code --reconnect-jitter-ms}, default
 * 5000, then exponential backoff with jitter on failure), {@code rest} (no sockets: every user sends over REST as fast as its answers come,
 * the persisted-send throughput of the HTTP path), {@code chaos} (scripts/chaos: clients that re-send, resume and
 * reconnect like real ones while faults are injected, then a verification of the stored streams, {@link ChaosRun}). Prints progress every 5 s and a summary; the last line is the summary as JSON.
 */
public final class LoadGenerator {

  private LoadGenerator() {
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops()));
    try {
      int code = new LoadGenerator.Run(vertx, options).run();
      System.exit(code);
    } catch (Exception failed) {
      System.err.println("loadgen: " + failed.getMessage());
      System.exit(1);
    }
  }

  private static final class Run {

    private final Vertx vertx;
    private final Options options;
    private final Stats stats = new Stats();
    private final Deliveries deliveries = new Deliveries();
    private final ServerProbe probe;
    private final List<LoadVerticle> loops = new ArrayList<>();
    private final long started = System.nanoTime();

    Run(Vertx vertx, Options options) {
      this.vertx = vertx;
      this.options = options;
      this.probe = new ServerProbe(options.serverPid());
    }

    int run() throws Exception {
      say("setup: registering %d users, rooms of %d, on %s", options.users(), options.roomSize(), options.targets());
      List<Setup.User> users = MainThread.await(new Setup(vertx, options).run(), 600);
      say("setup done in %.1f s", seconds());
      if (options.mode().equals("chaos")) {
        int code = new ChaosRun(vertx, options, users).run();
        MainThread.await(vertx.close(), 30);
        return code;
      }
      for (int i = 0; i < options.eventLoops(); i++) {
        List<Setup.User> share = new ArrayList<>();
        for (int u = i; u < users.size(); u += options.eventLoops()) {
          share.add(users.get(u));
        }
        LoadVerticle loop = new LoadVerticle(options, share, stats, deliveries);
        MainThread.await(vertx.deployVerticle(loop), 30);
        loops.add(loop);
      }
      long progress = vertx.setPeriodic(5000, id -> progress());
      probe.start();
      if (options.mode().equals("rest")) {
        Map<String, Object> summary = new HashMap<>();
        summary.put("mode", "rest");
        summary.put("users", options.users());
        rest(users, summary);
        vertx.cancelTimer(progress);
        if (probe.enabled()) {
          summary.put("serverCores", round(probe.coresUsed()));
          summary.put("serverRssMiB", probe.rssKiB() / 1024);
        }
        System.out.println("summary " + new io.vertx.core.json.JsonObject(summary).encode());
        MainThread.await(vertx.close(), 30);
        return 0;
      }
      long connectStart = System.nanoTime();
      MainThread.await(Future.all(loops.stream().map(LoadVerticle::connectAll).toList()), options.rampSeconds() + 120L);
      double connectSeconds = (System.nanoTime() - connectStart) / 1e9;
      say("connected %d of %d sockets in %.1f s (%d failed)", stats.connected.sum(), users.size(), connectSeconds,
          stats.connectFailures.sum());
      Map<String, Object> summary = new HashMap<>();
      summary.put("mode", options.mode());
      summary.put("users", options.users());
      summary.put("connected", stats.connected.sum());
      summary.put("connectSeconds", round(connectSeconds));
      switch (options.mode()) {
        case "chat" -> chat(summary);
        case "idle" -> idle(summary);
        case "storm" -> storm(summary);
        default -> throw new IllegalArgumentException("--mode is chat, idle or storm");
      }
      vertx.cancelTimer(progress);
      if (probe.enabled()) {
        summary.put("serverCores", round(probe.coresUsed()));
        summary.put("serverRssMiB", probe.rssKiB() / 1024);
      }
      loops.forEach(LoadVerticle::closeAll);
      System.out.println("summary " + new io.vertx.core.json.JsonObject(summary).encode());
      MainThread.await(vertx.close(), 30);
      return 0;
    }

    private void chat(Map<String, Object> summary) throws Exception {
      long sendStart = System.nanoTime();
      double cpuAtSendStart = probe.cpuSeconds();
      long[] writesAtSendStart = probe.writes();
      stats.ackLatency.reset();
      stats.deliveryLatency.reset();
      loops.forEach(LoadVerticle::startSending);
      double cpuAtSteady = cpuAtSendStart;
      long deliveredAtSteady = 0;
      long[] writesAtSteady = writesAtSendStart;
      if (options.warmupSeconds() > 0) {
        // Latency percentiles describe the steady state: the first seconds (JIT, connection pools) are dropped.
        awaitTime(options.warmupSeconds());
        stats.ackLatency.reset();
        stats.deliveryLatency.reset();
        // Server CPU too describes the steady state, not the connect ramp and the warm-up (JIT compiling).
        probe.start();
        cpuAtSteady = probe.cpuSeconds();
        deliveredAtSteady = stats.delivered.sum();
        writesAtSteady = probe.writes();
        say("warm-up of %d s over: latency percentiles and server CPU restart", options.warmupSeconds());
      }
      awaitTime(Math.max(1, options.durationSeconds() - options.warmupSeconds()));
      loops.forEach(LoadVerticle::stopSending);
      double sendSeconds = (System.nanoTime() - sendStart) / 1e9;
      awaitTime(options.drainSeconds());
      // What the deliveries cost the server: its CPU from the end of the warm-up to the end of the drain (the
      // steady state), and from the first send (warm-up and JIT included) as the whole-run figure.
      double cpuNow = probe.cpuSeconds();
      double serverCpu = cpuNow - cpuAtSteady;
      double wholeRunCpu = cpuNow - cpuAtSendStart;
      if (probe.enabled() && serverCpu > 0) {
        long delivered = Math.max(1, stats.delivered.sum() - deliveredAtSteady);
        summary.put("serverCpuSeconds", round(serverCpu));
        summary.put("deliveriesPerServerCpuSecond", round(delivered / serverCpu));
        summary.put("wholeRunServerCpuSeconds", round(wholeRunCpu));
        summary.put("wholeRunDeliveriesPerServerCpuSecond", round(stats.delivered.sum() / wholeRunCpu));
        // The physical cost per delivery: the server's write system calls and bytes written, over all its sockets.
        long[] writes = probe.writes();
        summary.put("serverWriteSyscallsPerDelivery", round((writes[0] - writesAtSteady[0]) / (double) delivered));
        summary.put("serverBytesWrittenPerDelivery", round((writes[1] - writesAtSteady[1]) / (double) delivered));
      }
      Map<Setup.Room, Integer> connected = connectedMembers();
      long lost = deliveries.lost(connected);
      long expected = deliveries.expected(connected);
      say("sent %d, acked %d (%.0f/s), send errors %d; delivered %d of %d expected (%.0f/s); lost %d, duplicates %d,"
              + " out of order %d, disconnects %d",
          stats.sent.sum(), stats.acked.sum(), stats.acked.sum() / sendSeconds, stats.sendErrors.sum(),
          stats.delivered.sum(), expected, stats.delivered.sum() / sendSeconds, lost, stats.duplicates.sum(),
          stats.outOfOrder.sum(), stats.disconnects.sum());
      say("ack latency %s", Stats.percentiles(stats.ackLatency));
      say("delivery latency %s", Stats.percentiles(stats.deliveryLatency));
      summary.put("sent", stats.sent.sum());
      summary.put("acked", stats.acked.sum());
      summary.put("ackedPerSecond", round(stats.acked.sum() / sendSeconds));
      summary.put("sendErrors", stats.sendErrors.sum());
      summary.put("delivered", stats.delivered.sum());
      summary.put("deliveredPerSecond", round(stats.delivered.sum() / sendSeconds));
      summary.put("expectedDeliveries", expected);
      summary.put("lost", lost);
      summary.put("duplicates", stats.duplicates.sum());
      summary.put("outOfOrder", stats.outOfOrder.sum());
      summary.put("disconnects", stats.disconnects.sum());
      summary.put("ackP50Ms", ms(stats.ackLatency.getValueAtPercentile(50)));
      summary.put("ackP95Ms", ms(stats.ackLatency.getValueAtPercentile(95)));
      summary.put("ackP99Ms", ms(stats.ackLatency.getValueAtPercentile(99)));
      summary.put("ackMaxMs", ms(stats.ackLatency.getMaxValue()));
      summary.put("deliveryP50Ms", ms(stats.deliveryLatency.getValueAtPercentile(50)));
      summary.put("deliveryP95Ms", ms(stats.deliveryLatency.getValueAtPercentile(95)));
      summary.put("deliveryP99Ms", ms(stats.deliveryLatency.getValueAtPercentile(99)));
      summary.put("deliveryMaxMs", ms(stats.deliveryLatency.getMaxValue()));
    }

    /** Closed loop over REST: each user posts a message, waits for the 201, posts the next. */
    private void rest(List<Setup.User> users, Map<String, Object> summary) throws Exception {
      io.vertx.ext.web.client.WebClient web = io.vertx.ext.web.client.WebClient.create(vertx,
          new io.vertx.ext.web.client.WebClientOptions().setKeepAlive(true),
          new io.vertx.core.http.PoolOptions().setHttp1MaxSize(Math.max(8, users.size())));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.durationSeconds());
      long start = System.nanoTime();
      List<Future<Void>> loops = new ArrayList<>();
      CompletableFuture<Void> launched = new CompletableFuture<>();
      vertx.runOnContext(go -> {
        users.forEach(user -> loops.add(restLoop(web, user, end, 0)));
        launched.complete(null);
      });
      launched.get(30, TimeUnit.SECONDS);
      MainThread.await(Future.join(loops).<Void>mapEmpty().otherwiseEmpty(), options.durationSeconds() + 60L);
      double seconds = (System.nanoTime() - start) / 1e9;
      say("REST: %d sends answered 201 in %.1f s = %.0f/s, %d errors; latency %s", stats.acked.sum(), seconds,
          stats.acked.sum() / seconds, stats.sendErrors.sum(), Stats.percentiles(stats.ackLatency));
      summary.put("acked", stats.acked.sum());
      summary.put("ackedPerSecond", round(stats.acked.sum() / seconds));
      summary.put("sendErrors", stats.sendErrors.sum());
      summary.put("ackP50Ms", ms(stats.ackLatency.getValueAtPercentile(50)));
      summary.put("ackP95Ms", ms(stats.ackLatency.getValueAtPercentile(95)));
      summary.put("ackP99Ms", ms(stats.ackLatency.getValueAtPercentile(99)));
      summary.put("ackMaxMs", ms(stats.ackLatency.getMaxValue()));
    }

    private Future<Void> restLoop(io.vertx.ext.web.client.WebClient web, Setup.User user, long end, long index) {
      if (System.nanoTime() > end) {
        return Future.succeededFuture();
      }
      Options.Target target = options.target(user.index);
      long sent = System.nanoTime();
      stats.sent.increment();
      return web.post(target.httpPort(), target.host(), "/api/v1/rooms/" + user.room.id + "/messages")
          .putHeader("Authorization", "Bearer " + user.token)
          .sendJsonObject(new io.vertx.core.json.JsonObject().put("clientMsgId", "rest-" + user.index + "-" + index)
              .put("text", "lg|" + sent + "|" + user.index + "|" + index))
          .transform(response -> {
            if (response.succeeded() && response.result().statusCode() == 201) {
              stats.acked.increment();
              stats.ackLatency.recordValue((System.nanoTime() - sent) / 1000);
            } else {
              stats.sendErrors.increment();
            }
            return restLoop(web, user, end, index + 1);
          });
    }

    private void idle(Map<String, Object> summary) throws Exception {
      awaitTime(options.durationSeconds());
      summary.put("disconnects", stats.disconnects.sum());
      say("held %d idle sockets for %d s, %d disconnects", stats.connected.sum(), options.durationSeconds(),
          stats.disconnects.sum());
    }

    private void storm(Map<String, Object> summary) throws Exception {
      long before = stats.connected.sum();
      stats.connectLatency.reset();
      long resumedBefore = stats.resumed.sum();
      long start = System.nanoTime();
      // Each loop's storm completes when all of its sockets resumed (or gave up after their retries).
      MainThread.await(Future.all(loops.stream().map(LoadVerticle::storm).toList()), 300);
      double seconds = (System.nanoTime() - start) / 1e9;
      long resumed = stats.resumed.sum() - resumedBefore;
      say("storm: %d sockets dropped, %d reconnected and resumed in %.1f s (%d attempts failed and were retried);"
              + " reconnect attempt %s; drop to resumed %s", before, resumed, seconds, stats.reconnectRetries.sum(),
          Stats.percentiles(stats.connectLatency), Stats.percentiles(stats.resumeLatency));
      summary.put("stormSockets", before);
      summary.put("stormResumed", resumed);
      summary.put("stormSeconds", round(seconds));
      summary.put("stormRetries", stats.reconnectRetries.sum());
      summary.put("reconnectJitterMs", options.reconnectJitterMs());
      summary.put("reconnectP99Ms", ms(stats.connectLatency.getValueAtPercentile(99)));
      summary.put("resumeP50Ms", ms(stats.resumeLatency.getValueAtPercentile(50)));
      summary.put("resumeP99Ms", ms(stats.resumeLatency.getValueAtPercentile(99)));
    }

    private Map<Setup.Room, Integer> connectedMembers() {
      Map<Setup.Room, Integer> connected = new HashMap<>();
      for (LoadVerticle loop : loops) {
        for (ChatSocket socket : loop.sockets) {
          if (socket.open) {
            connected.merge(socket.user.room, 1, Integer::sum);
          }
        }
      }
      return connected;
    }

    private void progress() {
      say("connected %d, sent %d, acked %d, delivered %d, errors %d, dup %d; ack %s; delivery %s%s",
          stats.connected.sum() - stats.disconnects.sum(), stats.sent.sum(), stats.acked.sum(), stats.delivered.sum(),
          stats.sendErrors.sum(), stats.duplicates.sum(), Stats.percentiles(stats.ackLatency),
          Stats.percentiles(stats.deliveryLatency),
          probe.enabled() ? String.format("; server %.2f cores, RSS %d MiB", probe.coresUsed(), probe.rssKiB() / 1024)
              : "");
    }

    private void awaitTime(int seconds) throws Exception {
      awaitMillis(seconds * 1000L);
    }

    private void awaitMillis(long millis) throws Exception {
      CompletableFuture<Void> done = new CompletableFuture<>();
      vertx.setTimer(Math.max(1, millis), id -> done.complete(null));
      // Generous: on a saturated shared machine the generator's own event loop may stall for many seconds.
      done.get(millis + 120_000, TimeUnit.MILLISECONDS);
    }

    private double seconds() {
      return (System.nanoTime() - started) / 1e9;
    }

    private void say(String format, Object... args) {
      System.out.printf("[%6.1f s] %s%n", seconds(), String.format(format, args));
    }

    private static double ms(long micros) {
      return round(micros / 1000.0);
    }

    private static double round(double value) {
      return Math.round(value * 100) / 100.0;
    }
  }
}
