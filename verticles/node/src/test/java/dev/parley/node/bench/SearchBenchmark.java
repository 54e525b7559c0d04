package dev.parley.node.bench;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.contract.Addresses;
import dev.parley.contract.MessageEvent;
import dev.parley.contract.MessageEvents;
import dev.parley.contract.RoomActions;
import dev.parley.node.TestNodeLauncher;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mysqlclient.MySQLBuilder;
import io.vertx.mysqlclient.MySQLClient;
import io.vertx.mysqlclient.MySQLConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Indexing throughput and search latency of the search verticle over an index of (by default) a million
 * messages. Run with scripts/bench-search.
 *
 * <p>What it measures, and what it skips: a node runs persistence, rooms and search (Kafka off). The rooms and
 * users are real (MySQL), but the messages are NOT written to MySQL: the benchmark publishes synthetic stream
 * events (consecutive ids, mixed Korean / English / mixed text spread over 90 days) on the stream's event-bus
 * address, exactly as the relay would, so indexing runs through the real consumer path (EventFollower, the
 * single index-writer thread, Lucene with the Nori-based analyzer, periodic commits) without measuring MySQL or
 * the relay. Publishing is paced (at most a window of batches ahead of the index's watermark) so the follower
 * never has to drop anything. Indexing throughput = events / time until the watermark reaches the last id, plus
 * the final commit.
 *
 * <p>Searches are real requests to {@code parley.search} on the event bus, as the HTTP verticle sends them: the
 * search verticle asks the rooms verticle for the reader's rooms (a member of {@code readerRooms} of the
 * rooms; cached in Redis), then runs the Lucene query with highlighting. Latency p50/p99 over {@code queries}
 * requests from a fixed set of one- and two-word Korean, English and mixed queries, closed loop with
 * {@code concurrency} clients.
 *
 * <p>{@code engine} (system property: lucene, opensearch) picks the search engine; OpenSearch is the cluster of
 * {@code scripts/opensearch} (or PARLEY_SEARCH_OPENSEARCH_HOSTS), its index size the primaries' store size.
 *
 * <p>Settings (system properties): messages (1000000), rooms (1000), readerRooms (50), batch (500), window
 * (32 batches), queries (5000), warmupQueries (500), concurrency (1 then 4).
 */
public final class SearchBenchmark {

  private static final String[] KO_NOUNS = {"서버", "배포", "데이터베이스", "검색", "회의", "점심", "장애", "로그", "사용자",
      "클러스터", "메모리", "디스크", "네트워크", "테스트", "코드", "리뷰", "일정", "보고서", "고객", "결제", "알림", "캐시",
      "인덱스", "쿼리", "성능", "지연", "오류", "버전", "업데이트", "문서"};
  private static final String[] KO_PREDICATES = {"가 느려요", "를 확인했습니다", "이 끊겼어요", "를 검색했습니다", "가 끝났습니다",
      "을 다시 시작할게요", "에 문제가 있어요", "를 공유해 주세요", "이 필요합니다", "를 올렸어요", "가 잘 됩니다", "를 정리했어요"};
  private static final String[] EN_WORDS = {"server", "deploy", "database", "search", "meeting", "lunch", "outage",
      "logs", "users", "cluster", "memory", "disk", "network", "tests", "code", "review", "schedule", "report",
      "customer", "payment", "notification", "cache", "index", "query", "latency", "error", "version", "release",
      "docs", "kafka", "redis", "backup", "migration", "timeout", "rollback", "dashboard", "alert", "ticket"};
  private static final String[] EN_TEMPLATES = {"the %s is slow again", "I restarted the %s after the %s",
      "can someone review the %s before the %s", "%s looks fine now, checking %s", "we lost the %s during %s",
      "%s and %s are both running", "please update the %s docs", "is the %s still failing?"};
  private static final String[] QUERIES = {"서버", "배포", "데이터베이스", "검색", "장애", "회의 일정", "서버 느려요", "캐시 성능",
      "server", "deploy", "database latency", "meeting", "outage", "kafka", "error timeout", "release notes",
      "서버 error", "deploy 배포", "kafka 클러스터", "redis 캐시", "running", "restarted", "payment 결제", "dashboard"};

  public static void main(String[] args) throws IOException {
    int messages = Integer.getInteger("messages", 1_000_000);
    int rooms = Integer.getInteger("rooms", 1000);
    int readerRooms = Integer.getInteger("readerRooms", 50);
    int batch = Integer.getInteger("batch", 500);
    int window = Integer.getInteger("window", 32);
    int queries = Integer.getInteger("queries", 5000);
    int warmup = Integer.getInteger("warmupQueries", 500);
    String engine = System.getProperty("engine", "lucene");
    Map<String, String> env = TestConfig.environment();
    env.put("PARLEY_KAFKA_ENABLED", "false");
    env.put("PARLEY_SEARCH_ENGINE", engine);
    String alias = "parley-bench-" + TestConfig.RUN_ID;
    env.put("PARLEY_SEARCH_OPENSEARCH_INDEX", alias);
    // Up to 5 minutes to start: on the shared 2-core machine (load average 40-55) the 1-minute default failed.
    TestNodeLauncher.Started node = TestNodeLauncher.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "search"}]""", env, Duration.ofMinutes(5));
    Vertx vertx = node.vertx();
    JsonObject config = TestConfig.config(env);
    Path indexPath = Path.of(env.get("PARLEY_SEARCH_INDEXPATH"));
    try {
      awaitReady(vertx);
      List<String> roomIds = new ArrayList<>();
      String reader = seed(vertx, config, rooms, readerRooms, roomIds);
      System.out.printf("%s engine: seeded %d rooms (the reader is in %d); indexing %,d messages%n", engine, rooms,
          readerRooms, messages);

      long started = System.nanoTime();
      index(node, vertx, roomIds, messages, batch, window);
      long indexed = System.nanoTime();
      double indexSeconds = (indexed - started) / 1e9;
      System.out.printf("indexed %,d messages in %.1f s = %,.0f messages/s (searchable; committed every 2 s), "
          + "index on disk %.0f MB%n", messages, indexSeconds, messages / indexSeconds,
          (engine.equals("opensearch") ? OpenSearchIndex.size(vertx, alias) : size(indexPath)) / 1e6);

      for (int concurrency : new int[] {Integer.getInteger("concurrency", 1), 4}) {
        search(vertx, reader, warmup, concurrency, false);
        search(vertx, reader, queries, concurrency, true);
      }
      System.out.println(node.scrape().lines().filter(line -> line.startsWith("parley_search_query_seconds{")
          || line.startsWith("parley_search_indexed_events_total")).reduce("", (a, b) -> a + b + "\n"));
    } finally {
      Await.result(node.stop());
      Vertx cleanup = Vertx.vertx();
      Await.result(TestDatabases.drop(cleanup, config).otherwiseEmpty());
      if (engine.equals("opensearch")) {
        OpenSearchIndex.delete(cleanup, alias);
      }
      Await.result(cleanup.close());
      deleteTree(indexPath);
    }
  }

  private static void awaitReady(Vertx vertx) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonObject report = Await.result(vertx.eventBus().<JsonObject>request(Addresses.NODE_READY, null,
          new DeliveryOptions().setLocalOnly(true)).map(Message::body));
      if (report.getBoolean("ready")) {
        return;
      }
      Await.result(vertx.timer(100));
    }
    throw new IllegalStateException("node not ready");
  }

  /** Publishes synthetic events in batches, at most {@code window} batches ahead of the index watermark. */
  private static void index(TestNodeLauncher.Started node, Vertx vertx, List<String> roomIds, int messages, int batch,
      int window) {
    SplittableRandom random = new SplittableRandom(42);
    long now = System.currentTimeMillis();
    long[] nextSeq = new long[roomIds.size()];
    long id = 0;
    long lastReport = System.nanoTime();
    long allowed = (long) window * batch;
    while (id < messages) {
      if (id >= allowed) {
        // One metrics scrape per window refill, not per batch: the scrape itself costs CPU.
        long indexed;
        while ((indexed = watermark(node)) + (long) window * batch / 2 < id) {
          Await.result(vertx.timer(10));
        }
        allowed = indexed + (long) window * batch;
      }
      List<MessageEvent> events = new ArrayList<>(batch);
      for (int i = 0; i < batch && id < messages; i++) {
        id++;
        int room = random.nextInt(roomIds.size());
        long seq = ++nextSeq[room];
        long ts = now - (long) (random.nextDouble() * 90 * 86_400_000L);
        events.add(new MessageEvent(id, 0, MessageEvent.CREATED, now, roomIds.get(room), "group", seq,
            "1", text(random), ts, null, false));
      }
      vertx.eventBus().publish(Addresses.MESSAGE_EVENTS, new MessageEvents(events));
      if (System.nanoTime() - lastReport > 10_000_000_000L) {
        lastReport = System.nanoTime();
        System.out.printf("  ... %,d published, watermark %,d%n", id, watermark(node));
      }
    }
    while (watermark(node) < messages) {
      Await.result(vertx.timer(20));
    }
  }

  private static long watermark(TestNodeLauncher.Started node) {
    return node.scrape().lines().filter(line -> line.startsWith("parley_search_watermark"))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).max().orElse(0);
  }

  /** Korean, English or mixed chat lines, 5-15 words. */
  static String text(SplittableRandom random) {
    int kind = random.nextInt(10);
    if (kind < 4) {
      StringBuilder text = new StringBuilder();
      int clauses = 1 + random.nextInt(2);
      for (int i = 0; i < clauses; i++) {
        text.append(KO_NOUNS[random.nextInt(KO_NOUNS.length)]).append(KO_PREDICATES[random.nextInt(KO_PREDICATES.length)])
            .append(i + 1 < clauses ? ", " : ".");
      }
      return text.toString();
    }
    if (kind < 8) {
      String template = EN_TEMPLATES[random.nextInt(EN_TEMPLATES.length)];
      return String.format(template, EN_WORDS[random.nextInt(EN_WORDS.length)], EN_WORDS[random.nextInt(EN_WORDS.length)]);
    }
    return "오늘 " + EN_WORDS[random.nextInt(EN_WORDS.length)] + " 했는데 " + KO_NOUNS[random.nextInt(KO_NOUNS.length)]
        + KO_PREDICATES[random.nextInt(KO_PREDICATES.length)];
  }

  private static void search(Vertx vertx, String reader, int count, int concurrency, boolean report) {
    Histogram latency = new Histogram(60_000_000L, 3);
    AtomicLong hits = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicLong issued = new AtomicLong();
    long start = System.nanoTime();
    List<Future<Void>> clients = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      Promise<Void> done = Promise.promise();
      clients.add(done.future());
      vertx.runOnContext(ignored -> client(vertx, reader, count, issued, latency, hits, failures, done));
    }
    Await.result(Future.all(clients), java.time.Duration.ofMinutes(30));
    double seconds = (System.nanoTime() - start) / 1e9;
    if (report) {
      System.out.printf("search, %d client(s): %d queries in %.1f s = %.0f queries/s, %d failed, %.1f hits/query;"
              + " latency ms p50 %.2f p99 %.2f max %.2f%n", concurrency, count, seconds, count / seconds,
          failures.get(), hits.get() / (double) count, latency.getValueAtPercentile(50) / 1000.0,
          latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0);
    }
  }

  /** One closed-loop client: the next query when the previous answered (callbacks, no chain of futures). */
  private static void client(Vertx vertx, String reader, int count, AtomicLong issued, Histogram latency,
      AtomicLong hits, AtomicLong failures, Promise<Void> done) {
    long index = issued.getAndIncrement();
    if (index >= count) {
      done.tryComplete();
      return;
    }
    String q = QUERIES[(int) (index % QUERIES.length)];
    long sent = System.nanoTime();
    vertx.eventBus().<JsonObject>request(Addresses.SEARCH, new JsonObject().put("userId", reader).put("q", q)
            .put("limit", 20), new DeliveryOptions().setSendTimeout(30_000))
        .onComplete(reply -> {
          if (reply.succeeded()) {
            synchronized (latency) {
              latency.recordValue(Math.min((System.nanoTime() - sent) / 1000, 60_000_000L));
            }
            hits.addAndGet(reply.result().body().getJsonArray("hits").size());
          } else {
            failures.incrementAndGet();
          }
          client(vertx, reader, count, issued, latency, hits, failures, done);
        });
  }

  /** The rooms (owned by one user) and a reader who is a member of the first {@code readerRooms}. */
  private static String seed(Vertx vertx, JsonObject config, int rooms, int readerRooms, List<String> roomIds) {
    JsonObject mysql = config.getJsonObject("mysql");
    Pool pool = MySQLBuilder.pool().connectingTo(new MySQLConnectOptions().setHost(mysql.getString("host"))
        .setPort(mysql.getInteger("port")).setUser(mysql.getString("user")).setPassword(mysql.getString("password"))
        .setDatabase(mysql.getString("database"))).using(vertx).build();
    try {
      List<String> users = new ArrayList<>();
      for (String name : List.of("bench_owner", "bench_reader")) {
        long id = Await.result(pool.preparedQuery("INSERT INTO users (username, username_lower, display_name,"
                + " password_hash, created_at) VALUES (?, ?, ?, 'x', 0)").execute(Tuple.of(name, name, name))
            .map(rows -> rows.property(MySQLClient.LAST_INSERTED_ID)));
        users.add(String.valueOf(id));
      }
      for (int r = 0; r < rooms; r++) {
        JsonArray members = r < readerRooms ? new JsonArray().add(users.get(1)) : new JsonArray();
        JsonObject room = Await.result(vertx.eventBus().<JsonObject>request(Addresses.ROOMS, new JsonObject()
                .put("userId", users.get(0)).put("name", "bench " + r).put("members", members),
            new DeliveryOptions().addHeader(Addresses.ACTION, RoomActions.CREATE)).map(Message::body));
        roomIds.add(room.getString("id"));
      }
      return users.get(1);
    } finally {
      pool.close();
    }
  }

  /**
   * The index's files (Lucene's directory is flat), without the temporary files of merges still running: those
   * come and go while the directory is listed (File.length of a file gone is 0).
   */
  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> !file.getFileName().toString().endsWith(".tmp"))
          .mapToLong(file -> file.toFile().length()).sum();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
