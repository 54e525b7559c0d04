package dev.parley.node.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Login throughput and latency against a running node: registers a few users, then runs closed-loop clients
 * (each logs in, waits for the answer, logs in again) at each concurrency level for a fixed time and prints
 * logins/s and latency percentiles. Argon2 dominates, so this measures the password hashing setup of the node.
 * Run with scripts/bench-login.
 *
 * <p>Settings (system properties): url (http://127.0.0.1:8080), users (32), concurrency ("1,4,16"),
 * seconds (15 per level), warmupSeconds (5).
 */
public final class LoginBenchmark {

  private static final String PASSWORD = "bench-password-" + UUID.randomUUID();

  public static void main(String[] args) throws Exception {
    URI url = URI.create(System.getProperty("url", "http://127.0.0.1:8080"));
    int users = Integer.getInteger("users", 32);
    int seconds = Integer.getInteger("seconds", 15);
    int warmup = Integer.getInteger("warmupSeconds", 5);
    int[] levels = Arrays.stream(System.getProperty("concurrency", "1,4,16").split(","))
        .map(String::trim).mapToInt(Integer::parseInt).toArray();
    int maxLevel = Arrays.stream(levels).max().orElse(1);

    Vertx vertx = Vertx.vertx();
    WebClient web = WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost(url.getHost()).setDefaultPort(url.getPort() < 0 ? 80 : url.getPort())
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(maxLevel));
    try {
      List<String> names = register(web, users);
      System.out.printf("registered %d users at %s; warming up %d s%n", names.size(), url, warmup);
      run(vertx, web, names, Math.min(maxLevel, 4), warmup);
      for (int level : levels) {
        System.out.println(run(vertx, web, names, level, seconds).report(level));
      }
    } finally {
      web.close();
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static List<String> register(WebClient web, int users) throws Exception {
    String stem = "bench" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
    List<String> names = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      String name = stem + i;
      int status = await(web.post("/api/v1/auth/register")
          .sendJsonObject(new JsonObject().put("username", name).put("password", PASSWORD))).statusCode();
      if (status != 201) {
        throw new IllegalStateException("register answered " + status
            + " (is the node's auth.rateLimit.registerPer* high enough for a benchmark?)");
      }
      names.add(name);
    }
    return names;
  }

  record Result(int concurrency, double seconds, long[] latenciesMicros, Map<Integer, Long> statuses) {

    String report(int level) {
      long ok = statuses.getOrDefault(200, 0L);
      long[] sorted = latenciesMicros.clone();
      Arrays.sort(sorted);
      return String.format("concurrency %3d: %6.1f logins/s (%d ok in %.1f s), latency ms p50 %7.1f p90 %7.1f "
              + "p99 %7.1f max %7.1f; statuses %s",
          level, ok / seconds, ok, seconds, percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
          sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0, statuses);
    }

    private static double percentile(long[] sorted, double p) {
      if (sorted.length == 0) {
        return 0;
      }
      int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
    }
  }

  /** Closed loop: {@code concurrency} clients, each logging in again as soon as it has its answer. */
  private static Result run(Vertx vertx, WebClient web, List<String> names, int concurrency, int seconds)
      throws Exception {
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    CompletableFuture<Result> done = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      List<Long> latencies = new ArrayList<>();
      Map<Integer, Long> statuses = new TreeMap<>();
      List<Future<Void>> clients = new ArrayList<>();
      for (int c = 0; c < concurrency; c++) {
        Promise<Void> finished = Promise.promise();
        loop(web, names, c, end, latencies, statuses, finished);
        clients.add(finished.future());
      }
      Future.all(clients).onComplete(all -> done.complete(new Result(concurrency,
          (System.nanoTime() - start) / 1e9, latencies.stream().mapToLong(Long::longValue).toArray(), statuses)));
    });
    return done.get(seconds + 120L, TimeUnit.SECONDS);
  }

  private static void loop(WebClient web, List<String> names, int client, long end, List<Long> latencies,
      Map<Integer, Long> statuses, Promise<Void> finished) {
    if (System.nanoTime() >= end) {
      finished.complete();
      return;
    }
    String name = names.get((int) (Math.random() * names.size()));
    long sent = System.nanoTime();
    web.post("/api/v1/auth/login")
        .sendJsonObject(new JsonObject().put("username", name).put("password", PASSWORD))
        .onComplete(response -> {
          int status = response.succeeded() ? response.result().statusCode() : -1;
          statuses.merge(status, 1L, Long::sum);
          if (status == 200) {
            latencies.add((System.nanoTime() - sent) / 1000);
          }
          loop(web, names, client, end, latencies, statuses, finished);
        });
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
