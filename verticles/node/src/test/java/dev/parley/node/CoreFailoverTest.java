package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.node.ApiClient.User;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of one of two core nodes while REST sends flow through an edge: the requests that were in flight to
 * the dead node are sent again to the live one as soon as Hazelcast removes it, so no send waits anywhere near
 * the request timeout, and every acknowledged message is stored exactly once.
 */
class CoreFailoverTest {

  private static final Map<String, String> SHARED = TestConfig.environment();
  private static final String CORE = "[{\"verticle\": \"persistence\"}, {\"verticle\": \"rooms\"}]";
  private static final String EDGE = "[{\"verticle\": \"http\"}]";
  private static final int SENDERS = 8;
  private static final long STALL_LIMIT_MS = 2000;
  private static Vertx client;
  private static NodeProcess core1;
  private static NodeProcess core2;
  private static NodeProcess edge;

  @BeforeAll
  static void start() {
    client = Vertx.vertx();
    NodeProcess[] nodes = NodeProcess.cluster(client, SHARED, new NodeProcess.Spec("core-1", CORE),
        new NodeProcess.Spec("core-2", CORE), new NodeProcess.Spec("edge", EDGE));
    core1 = nodes[0];
    core2 = nodes[1];
    edge = nodes[2];
  }

  @AfterAll
  static void stop() {
    NodeProcess.stopAll(client, SHARED, edge, core1, core2);
  }

  @Test
  void sendsInFlightToAKilledCoreNodeAreAnsweredByTheOtherWithinTwoSeconds() throws Exception {
    ApiClient api = new ApiClient(client, edge.port("PARLEY_HTTP_PORT"));
    List<User> senders = new ArrayList<>();
    for (int i = 0; i < SENDERS; i++) {
      senders.add(api.register());
    }
    String room = api.room(senders.get(0), "private", senders.subList(1, SENDERS).toArray(User[]::new));

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong slowestMs = new AtomicLong();
    AtomicInteger retries = new AtomicInteger();
    Map<String, Long> acked = new ConcurrentHashMap<>();
    List<Future<Void>> loops = new ArrayList<>();
    for (User sender : senders) {
      loops.add(sendLoop(api, sender, room, running, slowestMs, retries, acked));
    }
    Await.result(client.timer(2000));
    assertThat(acked).as("sends flow before the kill").isNotEmpty();
    long before = slowestMs.getAndSet(0);
    Instant killedAt = Instant.now();
    core2.kill();
    Await.result(client.timer(8000));
    running.set(false);
    Await.result(Future.all(loops));

    System.out.printf("kill -9 of a core node under %d senders: %d sends acked, slowest send after the kill "
        + "%d ms (before %d ms), %d re-sent by the client%n", SENDERS, acked.size(), slowestMs.get(), before,
        retries.get());
    List<String> edgeLog = Files.readAllLines(edge.log);
    long ise = edgeLog.stream().filter(line -> line.contains("Promise already completed")).count();
    // When it fails, this says whether the cluster was slow to drop the node or the requests were slow to move.
    String removedAfter = edgeLog.stream().filter(line -> line.contains("left the cluster")).findFirst()
        .map(line -> Duration.between(killedAt, Instant.parse(line.substring(0, line.indexOf(' ')))).toMillis() + " ms")
        .orElse("never");
    System.out.printf("edge log: %d 'Promise already completed' lines; the edge saw the node leave %s after the kill%n",
        ise, removedAfter);
    assertThat(slowestMs.get()).as("no send waits for the request timeout").isLessThan(STALL_LIMIT_MS);
    assertStoredOnceAtTheirSeqs(api, senders.get(0), room, acked);
  }

  /** One client: sends one message at a time, re-sending the same clientMsgId until it is acknowledged. */
  private static Future<Void> sendLoop(ApiClient api, User sender, String room, AtomicBoolean running,
      AtomicLong slowestMs, AtomicInteger retries, Map<String, Long> acked) {
    Promise<Void> done = Promise.promise();
    client.runOnContext(v -> next(api, sender, room, running, slowestMs, retries, acked, done));
    return done.future();
  }

  private static void next(ApiClient api, User sender, String room, AtomicBoolean running, AtomicLong slowestMs,
      AtomicInteger retries, Map<String, Long> acked, Promise<Void> done) {
    if (!running.get()) {
      done.complete();
      return;
    }
    String id = UUID.randomUUID().toString();
    attempt(api, sender, room, id, System.nanoTime(), retries, acked, slowestMs)
        .onComplete(sent -> next(api, sender, room, running, slowestMs, retries, acked, done));
  }

  private static Future<Void> attempt(ApiClient api, User sender, String room, String id, long startedAt,
      AtomicInteger retries, Map<String, Long> acked, AtomicLong slowestMs) {
    return api.web.post(api.port, "127.0.0.1", "/api/v1/rooms/" + room + "/messages")
        .putHeader("Authorization", "Bearer " + sender.token())
        .sendJsonObject(new JsonObject().put("clientMsgId", id).put("text", "m " + id))
        .compose(response -> {
          if (response.statusCode() == 200 || response.statusCode() == 201) {
            acked.put(sender.id() + "/" + id, response.bodyAsJsonObject().getLong("seq"));
            slowestMs.accumulateAndGet((System.nanoTime() - startedAt) / 1_000_000, Math::max);
            return Future.succeededFuture();
          }
          retries.incrementAndGet();
          return attempt(api, sender, room, id, startedAt, retries, acked, slowestMs);
        }, failure -> {
          retries.incrementAndGet();
          return attempt(api, sender, room, id, startedAt, retries, acked, slowestMs);
        });
  }

  private static void assertStoredOnceAtTheirSeqs(ApiClient api, User reader, String room, Map<String, Long> acked) {
    Map<String, Long> stored = new ConcurrentHashMap<>();
    long after = 0;
    while (true) {
      JsonArray page = api.get("/rooms/" + room + "/messages?after=" + after + "&limit=100", reader)
          .bodyAsJsonObject().getJsonArray("messages");
      if (page.isEmpty()) {
        break;
      }
      for (int i = 0; i < page.size(); i++) {
        JsonObject message = page.getJsonObject(i);
        long seq = message.getLong("seq");
        assertThat(seq).as("no holes").isEqualTo(after + 1);
        after = seq;
        Long previous = stored.put(message.getString("senderId") + "/" + message.getString("clientMsgId"), seq);
        assertThat(previous).as("stored once").isNull();
      }
    }
    assertThat(stored).containsAllEntriesOf(acked);
  }
}
