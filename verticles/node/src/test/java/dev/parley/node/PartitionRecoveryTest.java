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
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An edge node is cut off from the cluster (frozen with SIGSTOP past the failure-detection time, so the others
 * drop it) and comes back: events published on the core node must reach its sockets again.
 */
class PartitionRecoveryTest {

  private static final Map<String, String> SHARED = TestConfig.environment();
  private static Vertx client;
  private static WebClient web;
  private static WebSocketClient sockets;
  private static NodeProcess core;
  private static NodeProcess edge;

  @BeforeAll
  static void start() {
    client = Vertx.vertx();
    web = WebClient.create(client);
    sockets = TestSocket.client(client);
    core = NodeProcess.start("core", "[{\"verticle\": \"persistence\"}, {\"verticle\": \"rooms\"}, {\"verticle\": \"http\"}]",
        NodeProcess.environment(SHARED)).awaitReady(client, 1);
    edge = NodeProcess.start("edge", "[{\"verticle\": \"socket\"}]", NodeProcess.environment(SHARED))
        .awaitReady(client, 2);
  }

  @AfterAll
  static void stop() {
    edge.kill();
    core.kill();
    Await.result(TestDatabases.drop(client, TestConfig.config(SHARED)));
    Await.result(client.close());
  }

  @Test
  void eventsReachAnEdgeAgainAfterItWasCutOffAndCameBack() {
    JsonObject alice = register();
    JsonObject bob = register();
    String room = Await.result(web.post(core.port("PARLEY_HTTP_PORT"), "127.0.0.1", "/api/v1/rooms")
        .putHeader("Authorization", "Bearer " + alice.getString("accessToken"))
        .sendJsonObject(new JsonObject().put("name", "p").put("members",
            new JsonArray().add(bob.getJsonObject("user").getString("id"))))).bodyAsJsonObject().getString("id");
    send(alice, room, "before");
    TestSocket before = TestSocket.ready(sockets, edge.port("PARLEY_SOCKET_PORT"), bob.getString("accessToken"));
    before.send(new JsonObject().put("type", "resume").put("positions", new JsonObject().put(room, 0)));
    before.next("resumed");

    edge.signal("STOP");
    awaitMembers(core, 1, Duration.ofSeconds(30));
    edge.signal("CONT");
    awaitMembers(core, 2, Duration.ofSeconds(60));
    awaitMembers(edge, 2, Duration.ofSeconds(60));

    // A socket opened after the partition healed, and events published on the core node.
    TestSocket after = TestSocket.ready(sockets, edge.port("PARLEY_SOCKET_PORT"), bob.getString("accessToken"));
    after.send(new JsonObject().put("type", "resume").put("positions", new JsonObject().put(room, 1)));
    after.next("resumed");
    send(alice, room, "after the partition");
    assertThat(after.next(f -> "message".equals(f.getString("type")), Duration.ofSeconds(10)).getString("text"))
        .isEqualTo("after the partition");
  }

  private static void awaitMembers(NodeProcess node, int members, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject report = Await.result(web.get(node.port("PARLEY_MANAGEMENT_PORT"), "127.0.0.1", "/ready")
          .timeout(2000).send().map(r -> r.bodyAsJsonObject()).otherwiseEmpty());
      if (report != null && report.getJsonObject("checks").getJsonObject("cluster").getInteger("members") == members) {
        return;
      }
      Await.result(client.timer(250));
    }
    throw new AssertionError(node.name + " did not see " + members + " members in " + timeout + "\n" + node.tail());
  }

  private static JsonObject register() {
    return Await.result(web.post(core.port("PARLEY_HTTP_PORT"), "127.0.0.1", "/api/v1/auth/register")
        .sendJsonObject(new JsonObject().put("username", "p" + UUID.randomUUID().toString().substring(0, 12).replace("-", ""))
            .put("password", "correct horse battery"))).bodyAsJsonObject();
  }

  private static void send(JsonObject user, String room, String text) {
    assertThat(Await.result(web.post(core.port("PARLEY_HTTP_PORT"), "127.0.0.1", "/api/v1/rooms/" + room + "/messages")
        .putHeader("Authorization", "Bearer " + user.getString("accessToken"))
        .sendJsonObject(new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("text", text)))
        .statusCode()).isEqualTo(201);
  }
}
