package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three real JVMs — a core node (persistence, rooms, http) and two edge nodes (http, socket) — with clients
 * on both edges: cross-node order, kill -9 of an edge under traffic, SIGTERM of an edge. Nothing acknowledged
 * may be lost for any client, and nothing may arrive twice.
 */
class ClusterFailoverTest {

  private static final Map<String, String> SHARED = TestConfig.environment();
  private static final String CORE = "[{\"verticle\": \"persistence\"}, {\"verticle\": \"rooms\"}, {\"verticle\": \"http\"}]";
  private static final String EDGE = "[{\"verticle\": \"http\"}, {\"verticle\": \"socket\"}]";
  private static Vertx client;
  private static WebClient web;
  private static WebSocketClient sockets;
  private static NodeProcess core;
  private static NodeProcess edge1;
  private static NodeProcess edge2;

  record User(String id, String token) {
  }

  @BeforeAll
  static void start() {
    // The sender below writes a frame every 20 ms: above the default per-socket rate limit.
    SHARED.put("PARLEY_SOCKET_MESSAGESPERSECOND", "200");
    SHARED.put("PARLEY_SOCKET_MESSAGEBURST", "400");
    client = Vertx.vertx();
    web = WebClient.create(client);
    sockets = TestSocket.client(client);
    core = NodeProcess.start("core", CORE, NodeProcess.environment(SHARED)).awaitReady(client, 1);
    edge1 = NodeProcess.start("edge-1", EDGE, NodeProcess.environment(SHARED));
    edge2 = NodeProcess.start("edge-2", EDGE, NodeProcess.environment(SHARED));
    edge1.awaitReady(client, 3);
    edge2.awaitReady(client, 3);
  }

  @AfterAll
  static void stop() {
    NodeProcess.stopAll(client, SHARED, edge1, edge2, core);
  }

  @Test
  void nodeDeathAndShutdownLoseNothingAcknowledged() {
    User alice = register();
    User bob = register();
    String room = room(alice, bob);
    TestSocket a = TestSocket.ready(sockets, edge1.port("PARLEY_SOCKET_PORT"), alice.token());
    TestSocket b = TestSocket.ready(sockets, edge2.port("PARLEY_SOCKET_PORT"), bob.token());
    Set<Long> acked = new ConcurrentSkipListSet<>();
    List<Long> bobSaw = new ArrayList<>();

    // 1. Across nodes, in order.
    for (int i = 0; i < 30; i++) {
      a.send(send(room, "x" + i));
    }
    for (int i = 0; i < 30; i++) {
      acked.add(a.next("ack").getLong("seq"));
    }
    for (int i = 1; i <= 30; i++) {
      long seq = b.next("message").getLong("seq");
      assertThat(seq).isEqualTo(i);
      bobSaw.add(seq);
    }

    // 2. kill -9 of Bob's edge while Alice keeps sending; Bob reconnects to the other edge and resumes.
    long timer = client.setPeriodic(20, id -> a.socket.writeTextMessage(send(room, UUID.randomUUID().toString()).encode()));
    drainMessages(b, bobSaw, 20);
    long killedAt = System.nanoTime();
    edge2.kill();
    b.awaitClose(Duration.ofSeconds(10));
    drainAll(b, bobSaw);
    TestSocket b2 = TestSocket.ready(sockets, edge1.port("PARLEY_SOCKET_PORT"), bob.token());
    b2.send(new JsonObject().put("type", "resume").put("positions", new JsonObject().put(room, last(bobSaw))));
    JsonObject resumed = b2.next("resumed");
    long resumedMs = (System.nanoTime() - killedAt) / 1_000_000;
    assertThat(resumed.getJsonObject("rooms").getJsonObject(room).getBoolean("recovered")).isTrue();
    client.cancelTimer(timer);
    collectAcks(a, acked);
    drainUntil(b2, bobSaw, acked);
    assertExactlyOnce(bobSaw, acked);
    System.out.printf("kill -9 of an edge: client resumed on the other edge %d ms after the kill%n", resumedMs);

    // 3. SIGTERM of the edge both are on: 4503, reconnect to a fresh edge, resume; still nothing lost.
    edge2 = NodeProcess.start("edge-2b", EDGE, NodeProcess.environment(SHARED)).awaitReady(client, 3);
    a.send(send(room, "before-term"));
    long termAt = System.nanoTime();
    int exit = edge1.terminate();
    assertThat(a.awaitClose(Duration.ofSeconds(15))).isEqualTo((short) 4503);
    assertThat(b2.awaitClose(Duration.ofSeconds(15))).isEqualTo((short) 4503);
    assertThat(exit).as("orderly exit").isIn(0, 143);
    collectAcks(a, acked);
    drainAll(b2, bobSaw);
    TestSocket b3 = TestSocket.ready(sockets, edge2.port("PARLEY_SOCKET_PORT"), bob.token());
    b3.send(new JsonObject().put("type", "resume").put("positions", new JsonObject().put(room, last(bobSaw))));
    b3.next("resumed");
    System.out.printf("SIGTERM of an edge: client resumed elsewhere %d ms after the signal%n",
        (System.nanoTime() - termAt) / 1_000_000);
    TestSocket a2 = TestSocket.ready(sockets, edge2.port("PARLEY_SOCKET_PORT"), alice.token());
    a2.send(send(room, "after-term"));
    acked.add(a2.next("ack").getLong("seq"));
    drainUntil(b3, bobSaw, acked);
    assertExactlyOnce(bobSaw, acked);
    a2.close();
    b3.close();
  }

  private static JsonObject send(String room, String id) {
    return new JsonObject().put("type", "send").put("id", id).put("room", room).put("text", "m " + id);
  }

  private static void collectAcks(TestSocket socket, Set<Long> acked) {
    for (JsonObject frame : socket.drain()) {
      if ("ack".equals(frame.getString("type"))) {
        acked.add(frame.getLong("seq"));
      }
    }
  }

  private static void drainMessages(TestSocket socket, List<Long> seen, int count) {
    for (int i = 0; i < count; i++) {
      seen.add(socket.next("message").getLong("seq"));
    }
  }

  private static void drainAll(TestSocket socket, List<Long> seen) {
    for (JsonObject frame : socket.drain()) {
      if ("message".equals(frame.getString("type"))) {
        seen.add(frame.getLong("seq"));
      }
    }
  }

  /** Reads messages until every acknowledged seq was seen (bounded). */
  private static void drainUntil(TestSocket socket, List<Long> seen, Set<Long> acked) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!new TreeSet<>(seen).containsAll(acked) && System.nanoTime() < deadline) {
      seen.add(socket.next(f -> "message".equals(f.getString("type")), Duration.ofSeconds(20)).getLong("seq"));
    }
  }

  private static void assertExactlyOnce(List<Long> seen, Set<Long> acked) {
    assertThat(seen).as("no message twice").doesNotHaveDuplicates();
    assertThat(seen).as("every acknowledged message arrived").containsAll(acked);
    long max = seen.stream().mapToLong(Long::longValue).max().orElse(0);
    assertThat(new TreeSet<>(seen)).as("no holes").hasSize((int) max);
  }

  private static long last(List<Long> seen) {
    return seen.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  private static User register() {
    String username = "c" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    JsonObject session = Await.result(web.post(core.port("PARLEY_HTTP_PORT"), "127.0.0.1", "/api/v1/auth/register")
        .sendJsonObject(new JsonObject().put("username", username).put("password", "correct horse battery")))
        .bodyAsJsonObject();
    return new User(session.getJsonObject("user").getString("id"), session.getString("accessToken"));
  }

  private static String room(User owner, User member) {
    return Await.result(web.post(core.port("PARLEY_HTTP_PORT"), "127.0.0.1", "/api/v1/rooms")
        .putHeader("Authorization", "Bearer " + owner.token())
        .sendJsonObject(new JsonObject().put("name", "failover").put("members", new JsonArray().add(member.id()))))
        .bodyAsJsonObject().getString("id");
  }
}
