package dev.parley.node;

import static dev.parley.node.ApiClient.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.node.ApiClient.User;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two MySQL shards behind two real JVMs — a core node (persistence, rooms, http) and a search node (search,
 * notifier) — configured only by {@code PARLEY_MYSQL_SHARDS}: rooms land on both shards, and history, the room
 * list, search and mentions are right for rooms of either; after the search node is killed and restarted it
 * catches up on both shards' streams.
 */
class ShardedClusterTest {

  private static final long SHARD_1_FIRST_ID = (1L << 40) + 1;
  private static final String CORE = "[{\"verticle\": \"persistence\"}, {\"verticle\": \"rooms\"}, {\"verticle\": \"http\"}]";
  private static final String SEARCH = "[{\"verticle\": \"search\"}, {\"verticle\": \"notifier\"}]";
  private static final Map<String, String> SHARED = TestConfig.environment();
  private static Vertx client;
  private static ApiClient api;
  private static NodeProcess core;
  private static NodeProcess search;
  private static Map<String, String> searchEnv;

  @BeforeAll
  static void start() {
    SHARED.put("PARLEY_MYSQL_SHARDS", TestConfig.shardsVariable(TestConfig.databaseName(), 2));
    client = Vertx.vertx();
    Map<String, String> coreEnv = NodeProcess.environment(SHARED);
    searchEnv = NodeProcess.environment(SHARED);
    ApiClient.pinCluster(coreEnv, searchEnv);
    core = NodeProcess.start("core", CORE, coreEnv).awaitReady(client, 1);
    search = NodeProcess.start("search", SEARCH, searchEnv).awaitReady(client, 2);
    api = new ApiClient(client, core.port("PARLEY_HTTP_PORT"));
  }

  @AfterAll
  static void stop() {
    for (NodeProcess node : new NodeProcess[] {search, core}) {
      if (node != null) {
        node.kill();
      }
    }
    Await.result(TestDatabases.drop(client, TestConfig.config(SHARED)));
    Await.result(client.close());
  }

  @Test
  void roomsOnBothShardsHaveHistorySearchAndMentions() {
    User alice = api.register();
    User bob = api.register();
    String onShard0 = null;
    String onShard1 = null;
    List<String> created = new ArrayList<>();
    // Placement is random: create until both shards hold a room (each attempt is a coin toss).
    for (int attempt = 0; attempt < 64 && (onShard0 == null || onShard1 == null); attempt++) {
      String room = api.room(alice, "private", bob);
      created.add(room);
      if (Long.parseLong(room) >= SHARD_1_FIRST_ID) {
        onShard1 = room;
      } else {
        onShard0 = room;
      }
    }
    assertThat(onShard0).as("a room on shard 0").isNotNull();
    assertThat(onShard1).as("a room on shard 1").isNotNull();

    String tag = "zq" + TestConfig.RUN_ID.replaceAll("[0-9]", "x");
    JsonObject first = api.send(alice, onShard0, tag + " 서버가 느려요");
    JsonObject second = api.send(alice, onShard1, tag + " @" + bob.username() + " 검색했습니다");
    api.send(bob, onShard1, tag + " reply");

    assertThat(texts(onShard0, alice)).containsExactly(tag + " 서버가 느려요");
    assertThat(texts(onShard1, bob)).containsExactly(tag + " @" + bob.username() + " 검색했습니다", tag + " reply");

    JsonArray rooms = ok(api.get("/rooms", bob)).getJsonArray("rooms");
    List<String> listed = rooms.stream().map(room -> ((JsonObject) room).getString("id")).toList();
    assertThat(listed).containsAll(created);
    assertThat(listed.subList(0, 2)).as("most recent activity first").containsExactly(onShard1, onShard0);

    assertThat(ids(api.awaitHits(alice, tag, null, 3))).containsExactlyInAnyOrder(onShard0 + "-1", onShard1 + "-1",
        onShard1 + "-2");
    assertThat(ids(api.hits(alice, tag + " 서버", null))).containsExactly(first.getString("roomId") + "-1");
    assertThat(ids(api.hits(bob, tag + " 검색", null))).containsExactly(second.getString("roomId") + "-1");

    JsonObject mention = awaitNotification(bob, onShard1);
    assertThat(mention.getString("kind")).isEqualTo("mention");
    assertThat(mention.getString("fromUsername")).isEqualTo(alice.username());

    // The search node dies; messages keep coming on both shards; a new one catches up on each shard's stream.
    search.kill();
    String later = tag + "later";
    api.send(alice, onShard0, later + " one");
    api.send(alice, onShard1, later + " two");
    api.send(bob, onShard1, later + " three");
    search = NodeProcess.start("search", SEARCH, searchEnv).awaitReady(client, 2);
    assertThat(ids(api.awaitHits(alice, later, null, 3))).containsExactlyInAnyOrder(onShard0 + "-2",
        onShard1 + "-3", onShard1 + "-4");
    assertThat(ids(api.hits(alice, tag, null))).hasSize(3);
  }

  private static List<String> texts(String room, User user) {
    JsonArray messages = ok(api.get("/rooms/" + room + "/messages", user)).getJsonArray("messages");
    return messages.stream().map(message -> ((JsonObject) message).getString("text")).toList();
  }

  private static JsonObject awaitNotification(User user, String room) {
    JsonArray notifications = api.await(() -> ok(api.get("/notifications", user)).getJsonArray("notifications"),
        list -> list.stream().anyMatch(item -> room.equals(((JsonObject) item).getString("room"))),
        Duration.ofSeconds(20));
    return notifications.stream().map(JsonObject.class::cast).filter(item -> room.equals(item.getString("room")))
        .findFirst().orElseThrow();
  }

  @Test
  void aReaderWithAnotherShardListStaysNotReadyAndSaysWhy() {
    Map<String, String> env = NodeProcess.environment(SHARED);
    env.put("PARLEY_MYSQL_SHARDS", "[]");
    env.put("PARLEY_CLUSTER_PORT", String.valueOf(TestConfig.freePort()));
    env.put("PARLEY_CLUSTER_MEMBERS", searchEnv.get("PARLEY_CLUSTER_MEMBERS") + ",127.0.0.1:" + env.get("PARLEY_CLUSTER_PORT"));
    NodeProcess stray = NodeProcess.start("stray-search", SEARCH, env);
    try {
      String report = api.await(() -> Await.result(api.web.get(stray.port("PARLEY_MANAGEMENT_PORT"), "127.0.0.1", "/ready")
              .send().map(response -> response.statusCode() + " " + response.bodyAsString()).otherwise("down")),
          body -> body.contains("every node must list the same shards"), Duration.ofSeconds(60));
      assertThat(report).startsWith("503");
    } finally {
      stray.kill();
    }
  }

  private static JsonObject ok(HttpResponse<Buffer> response) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }
}
