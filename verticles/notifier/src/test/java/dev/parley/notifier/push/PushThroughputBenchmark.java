package dev.parley.notifier.push;

import dev.parley.common.push.VapidKeys;
import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestKeys;
import dev.parley.common.testing.TestPushService;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Web Push throughput through the real queue and sender (encryption on the {@code parley-push-crypto} pool,
 * VAPID, HTTP keep-alive) to the local test push service, which verifies and decrypts every push. The service
 * stands for a remote one: it runs on a Vert.x of its own (one event loop), not on the sender's. Besides
 * pushes/s it prints the CPU time and allocation per push of each side, read from the threads themselves, so
 * those figures hold on a loaded machine too (pushes/s does not).
 *
 * <p>Run by {@code scripts/bench-push}; settings (system properties): pushes (20000), encryptThreads (1),
 * maxConcurrent (64).
 */
final class PushThroughputBenchmark {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private PushThroughputBenchmark() {
  }

  public static void main(String[] args) {
    int pushes = Integer.getInteger("pushes", 20_000);
    PushConfig config = new PushConfig(true, 0, 60, "normal", pushes, Integer.getInteger("maxConcurrent", 64), 0,
        10, 10, 10_000, 10, 0, Integer.getInteger("encryptThreads", 1));
    Vertx vertx = Vertx.vertx();
    Vertx remote = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      VapidKeys keys = new VapidKeys((ECPublicKey) TestKeys.vapid().pair().getPublic(),
          (ECPrivateKey) TestKeys.vapid().pair().getPrivate(), "mailto:bench@localhost");
      TestPushService service = Await.result(TestPushService.start(remote));
      Context context = vertx.getOrCreateContext();
      long senderLoop = onContext(context, () -> Thread.currentThread().getId());
      long serviceLoop = onContext(remote.getOrCreateContext(), () -> Thread.currentThread().getId());
      JsonObject subscription = service.subscription().put("id", "1");
      JsonObject latest = new JsonObject().put("kind", "mention").put("room", "1").put("seq", 1L).put("from", "2")
          .put("fromUsername", "alice").put("text", "a benchmark mention of average length, with some words");
      PushQueue queue = onContext(context, () -> new PushQueue(vertx,
          new PushSender(vertx, new VapidSigner(keys, Clock.systemUTC()), config), config, id -> { },
          new SimpleMeterRegistry()));
      for (int round = 0; round < 2; round++) { // the first round warms up
        int count = round == 0 ? pushes / 4 : pushes;
        int before = service.received().size();
        Map<String, long[]> usageBefore = usage(senderLoop, serviceLoop);
        long cpuBefore = processCpuNanos();
        Promise<Long> started = Promise.promise();
        context.runOnContext(nothing -> {
          long start = System.nanoTime();
          for (int i = 0; i < count; i++) {
            queue.offer(new PushQueue.Job(subscription, latest, 1, false, 0));
          }
          started.complete(start);
        });
        long start = Await.result(started.future());
        Await.result(service.awaitCount(before + count), Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        if (round == 1) {
          long refused = service.received().stream().skip(before).filter(push -> push.problem() != null).count();
          Map<String, long[]> used = usage(senderLoop, serviceLoop);
          System.out.printf("push throughput: %d Web Push requests (encrypted on %d thread(s), VAPID-signed, %d at"
              + " once) to the local test push service in %.2f s = %.0f pushes/s, %d refused%n", count,
              config.encryptThreads(), config.maxConcurrent(), seconds, count / seconds, refused);
          System.out.printf("per push: process CPU %.3f ms", (processCpuNanos() - cpuBefore) / 1e6 / count);
          used.forEach((side, value) -> System.out.printf("; %s CPU %.3f ms, allocated %.1f KiB", side,
              (value[0] - usageBefore.get(side)[0]) / 1e6 / count, (value[1] - usageBefore.get(side)[1]) / 1024.0 / count));
          System.out.println();
        }
      }
    } finally {
      Await.result(vertx.close());
      Await.result(remote.close());
    }
  }

  private static <T> T onContext(Context context, Supplier<T> task) {
    Promise<T> result = Promise.promise();
    context.runOnContext(nothing -> result.complete(task.get()));
    return Await.result(result.future());
  }

  /** CPU nanoseconds and allocated bytes so far of: the sender's event loop, its crypto pool, the service. */
  private static Map<String, long[]> usage(long senderLoop, long serviceLoop) {
    Map<String, long[]> usage = new LinkedHashMap<>();
    usage.put("sender event loop", of(id -> id == senderLoop));
    usage.put("sender encryption pool", ofNamed(name -> name.startsWith(PushSender.CRYPTO_POOL)));
    usage.put("test push service", of(id -> id == serviceLoop));
    return usage;
  }

  private static long[] of(Predicate<Long> thread) {
    long[] total = new long[2];
    for (long id : THREADS.getAllThreadIds()) {
      if (thread.test(id)) {
        total[0] += Math.max(0, THREADS.getThreadCpuTime(id));
        total[1] += Math.max(0, THREADS.getThreadAllocatedBytes(id));
      }
    }
    return total;
  }

  private static long[] ofNamed(Predicate<String> name) {
    return of(id -> {
      java.lang.management.ThreadInfo info = THREADS.getThreadInfo(id);
      return info != null && name.test(info.getThreadName());
    });
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
