package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestSocket;
import dev.parley.common.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two core nodes (active-active persistence) and two edges, as separate JVMs. Under traffic: kill -9 of a core
 * node, then a rolling restart of every node, one at a time, each gated on /ready. A client that resends
 * unacknowledged messages with the same id, and a reader that resumes after every disconnect, must end with
 * every acknowledged message exactly once and no holes.
 */
class RollingRestartTest {

  private static final Map<String, String> SHARED = TestConfig.environment();
  private static final String CORE = "[{\"verticle\": \"persistence\"}, {\"verticle\": \"rooms\"}, {\"verticle\": \"http\"}]";
  private static final String EDGE = "[{\"verticle\": \"socket\"}]";
  private static Vertx client;
  private static WebClient web;
  private static WebSocketClient sockets;
  private static final Map<String, NodeProcess> nodes = new HashMap<>();

  @BeforeAll
  static void start() {
    client = Vertx.vertx();
    web = WebClient.create(client);
    sockets = TestSocket.client(client);
    nodes.put("core-1", NodeProcess.start("core-1", CORE, NodeProcess.environment(SHARED)).awaitReady(client, 1));
    nodes.put("core-2", NodeProcess.start("core-2", CORE, NodeProcess.environment(SHARED)));
    nodes.put("edge-1", NodeProcess.start("edge-1", EDGE, NodeProcess.environment(SHARED)));
    nodes.put("edge-2", NodeProcess.start("edge-2", EDGE, NodeProcess.environment(SHARED)));
    nodes.values().forEach(node -> node.awaitReady(client, 4));
  }

  @AfterAll
  static void stop() {
    nodes.values().forEach(NodeProcess::kill);
    Await.result(TestDatabases.drop(client, TestConfig.config(SHARED)));
    Await.result(client.close());
  }

  @Test
  void coreDeathAndARollingRestartLoseNothing() throws Exception {
    JsonObject alice = register();
    JsonObject bob = register();
    String room = Await.result(web.post(http(), "127.0.0.1", "/api/v1/rooms")
        .putHeader("Authorization", "Bearer " + alice.getString("accessToken"))
        .sendJsonObject(new JsonObject().put("name", "rolling").put("members",
            new JsonArray().add(bob.getJsonObject("user").getString("id"))))).bodyAsJsonObject().getString("id");
    AtomicBoolean running = new AtomicBoolean(true);
    TreeSet<Long> acked = new TreeSet<>();
    List<Long> seen = new ArrayList<>();
    Thread sender = new Thread(() -> sendUntilStopped(alice.getString("accessToken"), room, running, acked), "sender");
    Thread reader = new Thread(() -> readUntilStopped(bob.getString("accessToken"), room, running, seen), "reader");
    sender.start();
    reader.start();

    awaitAcks(acked, 20);
    nodes.get("core-1").kill();
    nodes.put("core-1", NodeProcess.start("core-1b", CORE, NodeProcess.environment(SHARED)));
    nodes.get("core-1").awaitReady(client, 4);
    for (String name : List.of("core-2", "edge-1", "edge-2", "core-1")) {
      int before = ackCount(acked);
      NodeProcess old = nodes.get(name);
      old.terminate();
      NodeProcess fresh = NodeProcess.start(name + "-r", name.startsWith("core") ? CORE : EDGE,
          NodeProcess.environment(SHARED));
      nodes.put(name, fresh.awaitReady(client, 4));
      awaitAcks(acked, before + 10);
    }
    running.set(false);
    sender.join(60_000);
    reader.join(60_000);

    synchronized (acked) {
      assertThat(acked.size()).as("messages acknowledged through the restarts").isGreaterThan(50);
      assertThat(seen).as("no message twice").doesNotHaveDuplicates();
      assertThat(seen).as("every acknowledged message arrived").containsAll(acked);
      assertThat(new TreeSet<>(seen)).as("no holes").hasSize((int) (long) seen.stream().mapToLong(Long::longValue).max().orElse(0));
    }
  }

  /** Sends one message at a time; on any failure reconnects to a live edge and resends the same id. */
  private static void sendUntilStopped(String token, String room, AtomicBoolean running, TreeSet<Long> acked) {
    TestSocket socket = null;
    int index = 0;
    String id = UUID.randomUUID().toString();
    while (running.get()) {
      try {
        if (socket == null || socket.closeCode != null) {
          socket = TestSocket.ready(sockets, liveEdgeSocketPort(), token);
        }
        socket.send(new JsonObject().put("type", "send").put("id", id).put("room", room).put("text", "r" + index));
        String current = id;
        JsonObject answer = socket.next(f -> current.equals(f.getString("id")), Duration.ofSeconds(5));
        if ("ack".equals(answer.getString("type"))) {
          synchronized (acked) {
            acked.add(answer.getLong("seq"));
          }
          index++;
          id = UUID.randomUUID().toString();
        }
      } catch (AssertionError | RuntimeException interrupted) {
        socket = null;
      }
    }
  }

  /** Reads the room; after every disconnect reconnects to a live edge and resumes from the last seq seen. */
  private static void readUntilStopped(String token, String room, AtomicBoolean running, List<Long> seen) {
    TestSocket socket = null;
    long drainUntil = Long.MAX_VALUE;
    while (running.get() || System.nanoTime() < drainUntil) {
      if (!running.get() && drainUntil == Long.MAX_VALUE) {
        drainUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      }
      try {
        if (socket == null || socket.closeCode != null) {
          socket = TestSocket.ready(sockets, liveEdgeSocketPort(), token);
          long last;
          synchronized (seen) {
            last = seen.stream().mapToLong(Long::longValue).max().orElse(0);
          }
          socket.send(new JsonObject().put("type", "resume").put("positions", new JsonObject().put(room, last)));
        }
        JsonObject message = socket.next(f -> "message".equals(f.getString("type")), Duration.ofMillis(500));
        synchronized (seen) {
          seen.add(message.getLong("seq"));
        }
      } catch (AssertionError | RuntimeException quiet) {
        if (socket != null && socket.closeCode != null) {
          socket = null;
        }
      }
    }
  }

  private static int liveEdgeSocketPort() {
    for (String name : List.of("edge-1", "edge-2")) {
      NodeProcess edge = nodes.get(name);
      Integer status = Await.result(web.get(edge.port("PARLEY_MANAGEMENT_PORT"), "127.0.0.1", "/ready").timeout(1000)
          .send().map(r -> r.statusCode()).otherwiseEmpty());
      if (status != null && status == 200) {
        return edge.port("PARLEY_SOCKET_PORT");
      }
    }
    throw new IllegalStateException("no edge is ready");
  }

  private static int http() {
    return nodes.get("core-1").port("PARLEY_HTTP_PORT");
  }

  private static int ackCount(TreeSet<Long> acked) {
    synchronized (acked) {
      return acked.size();
    }
  }

  private static void awaitAcks(TreeSet<Long> acked, int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (ackCount(acked) < count && System.nanoTime() < deadline) {
      Await.result(client.timer(50));
    }
    assertThat(ackCount(acked)).as("sends go on").isGreaterThanOrEqualTo(count);
  }

  private static JsonObject register() {
    return Await.result(web.post(http(), "127.0.0.1", "/api/v1/auth/register")
        .sendJsonObject(new JsonObject().put("username", "rr" + UUID.randomUUID().toString().replace("-", "").substring(0, 12))
            .put("password", "correct horse battery"))).bodyAsJsonObject();
  }
}
