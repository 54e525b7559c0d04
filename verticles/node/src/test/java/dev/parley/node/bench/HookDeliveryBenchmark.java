package dev.parley.node.bench;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.contract.Addresses;
import dev.parley.contract.ChatMessage;
import dev.parley.contract.IntegrationActions;
import dev.parley.contract.SendMessage;
import dev.parley.node.TestNodeLauncher;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * Outgoing-webhook delivery at a given send rate (default 1,000 messages/s over 10 rooms, one hook per room, for
 * 30 s): messages go straight to persistence (event bus, open loop), the hooks verticle of the same node delivers
 * them from the event stream to an HTTP receiver of this JVM. Prints the delivery rate and the lag from commit
 * ({@code ts} of the event) to the receiver. Not part of the suite (no *Test name):
 * {@code ./mvnw -o -pl verticles/node -am test -Dtest=HookDeliveryBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Drate=1000 -Drooms=10 -Dseconds=30}, or {@code scripts/bench-hooks}.
 */
class HookDeliveryBenchmark {

  @Test
  void deliverAtRate() {
    int rate = Integer.getInteger("rate", 1000);
    int rooms = Integer.getInteger("rooms", 10);
    int seconds = Integer.getInteger("seconds", 30);
    Map<String, String> env = TestConfig.environment();
    env.put("PARLEY_HOOKS_ALLOWPRIVATETARGETS", "true");
    env.put("PARLEY_HOOKS_MAXBACKLOG", "1000000");
    TestNodeLauncher.Started node = TestNodeLauncher.start("""
        [{"verticle": "persistence", "instances": 1}, {"verticle": "rooms", "instances": 1},
         {"verticle": "hooks", "instances": 1}]""", env);
    Vertx vertx = node.vertx();
    JsonObject config = TestConfig.config(env);
    Histogram lag = new Histogram(600_000L, 3);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicLong duplicates = new AtomicLong();
    AtomicLong lastArrival = new AtomicLong();
    try {
      HttpServer receiver = Await.result(vertx.createHttpServer().requestHandler(request -> request.body()
          .onSuccess(body -> {
            long now = System.currentTimeMillis();
            JsonObject event = body.toJsonObject();
            if (seen.add(request.getHeader("X-Parley-Event-Id"))) {
              synchronized (lag) {
                lag.recordValue(Math.min(600_000L, Math.max(0, now - event.getLong("ts"))));
              }
              lastArrival.set(now);
            } else {
              duplicates.incrementAndGet();
            }
            request.response().end();
          })).listen(0, "127.0.0.1"));
      List<List<String>> members = new ArrayList<>();
      List<String> roomIds = SendBenchmark.seed(vertx, config, rooms, 1, members);
      for (int r = 0; r < rooms; r++) {
        Await.result(vertx.eventBus().request(Addresses.PERSISTENCE_INTEGRATIONS, new JsonObject()
                .put("userId", members.get(r).get(0)).put("roomId", roomIds.get(r)).put("id", roomIds.get(r) + "-bench")
                .put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hook").put("events", new JsonArray().add("message"))
                .put("secret", "bench"),
            new DeliveryOptions().addHeader(Addresses.ACTION, IntegrationActions.CREATE_HOOK)));
      }
      vertx.eventBus().publish(Addresses.HOOKS_CHANGED, new JsonObject());
      Await.result(vertx.timer(3000));

      long total = (long) rate * seconds;
      AtomicLong acks = new AtomicLong();
      AtomicLong failures = new AtomicLong();
      Promise<Void> sent = Promise.promise();
      long start = System.nanoTime();
      long startMs = System.currentTimeMillis();
      long[] issued = {0};
      vertx.setPeriodic(1, timer -> {
        long target = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
        while (issued[0] < target) {
          long index = issued[0]++;
          int room = (int) (index % rooms);
          vertx.eventBus().<ChatMessage>request(Addresses.PERSISTENCE_SEND, new SendMessage(roomIds.get(room),
                  members.get(room).get(0), "h-" + index, "hook benchmark " + index, null),
                  new DeliveryOptions().setSendTimeout(30_000))
              .onComplete(reply -> {
                long answered = reply.succeeded() ? acks.incrementAndGet() + failures.get()
                    : failures.incrementAndGet() + acks.get();
                if (answered == total) {
                  sent.tryComplete();
                }
              });
        }
        if (issued[0] >= total) {
          vertx.cancelTimer(timer);
        }
      });
      Await.result(sent.future(), Duration.ofSeconds(seconds + 120L));
      double sendSeconds = (System.nanoTime() - start) / 1e9;
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (seen.size() < acks.get() && System.nanoTime() < deadline) {
        Await.result(vertx.timer(200));
      }
      double deliverySeconds = (lastArrival.get() - startMs) / 1000.0;
      System.out.printf("sent %d messages in %.1f s (%.0f msg/s, %d sends failed) to %d rooms with one hook each%n",
          acks.get(), sendSeconds, acks.get() / sendSeconds, failures.get(), rooms);
      System.out.printf("delivered %d distinct events (%d repeats) by %.1f s after the first send: %.0f events/s%n",
          seen.size(), duplicates.get(), deliverySeconds, seen.size() / deliverySeconds);
      synchronized (lag) {
        System.out.printf("lag commit -> receiver ms: p50 %d, p95 %d, p99 %d, max %d%n", lag.getValueAtPercentile(50),
            lag.getValueAtPercentile(95), lag.getValueAtPercentile(99), lag.getMaxValue());
      }
      System.out.println("load average: " + java.lang.management.ManagementFactory.getOperatingSystemMXBean()
          .getSystemLoadAverage());
    } finally {
      Await.result(TestDatabases.drop(vertx, config));
      Await.result(node.stop());
    }
  }
}
