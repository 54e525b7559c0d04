package dev.parley.notifier.push;

import dev.parley.common.push.VapidKeys;
import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestKeys;
import dev.parley.common.testing.TestPushService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * Web Push throughput through the real queue and sender (encryption on workers, VAPID, HTTP) to the local test
 * push service, which also decrypts every push. Not part of the suite (no *Test name): run with
 * {@code -Dtest=PushThroughputBenchmark -Dpushes=20000}. Prints pushes/s.
 */
class PushThroughputBenchmark {

  @Test
  void pushesPerSecond() {
    int pushes = Integer.getInteger("pushes", 20_000);
    Vertx vertx = Vertx.vertx();
    try {
      PushConfig config = new PushConfig(true, 0, 60, "normal", pushes, 64, 0, 10, 10, 10_000, 10, 0);
      VapidKeys keys = new VapidKeys((ECPublicKey) TestKeys.vapid().pair().getPublic(),
          (ECPrivateKey) TestKeys.vapid().pair().getPrivate(), "mailto:bench@localhost");
      TestPushService service = Await.result(TestPushService.start(vertx));
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      Context context = vertx.getOrCreateContext();
      JsonObject latest = new JsonObject().put("kind", "mention").put("room", "1").put("seq", 1L).put("from", "2")
          .put("fromUsername", "alice").put("text", "a benchmark mention of average length, with some words");
      for (int round = 0; round < 2; round++) { // the first round warms up
        int count = round == 0 ? pushes / 4 : pushes;
        int before = service.received().size();
        Promise<Long> started = Promise.promise();
        context.runOnContext(nothing -> {
          PushQueue queue = new PushQueue(vertx, new PushSender(vertx, new VapidSigner(keys, Clock.systemUTC()), config),
              config, id -> { }, registry);
          long start = System.nanoTime();
          for (int i = 0; i < count; i++) {
            queue.offer(new PushQueue.Job(service.subscription().put("id", "1"), latest, 1, false, 0));
          }
          started.complete(start);
        });
        long start = Await.result(started.future());
        Await.result(service.awaitCount(before + count), java.time.Duration.ofMinutes(5));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (round == 1) {
          long refused = service.received().stream().skip(before).filter(push -> push.problem() != null).count();
          System.out.printf("push throughput: %d Web Push requests (encrypted, VAPID-signed, decrypted by the test"
              + " service in the same JVM) in %.2f s = %.0f pushes/s, %d refused%n", count, seconds, count / seconds,
              refused);
        }
      }
    } finally {
      Await.result(vertx.close());
    }
  }
}
