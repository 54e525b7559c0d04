package dev.parley.node;

import static dev.parley.node.ApiClient.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.node.ApiClient.User;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The OpenSearch engine under faults, on the 2-node cluster of {@code scripts/opensearch start 2} (two shards,
 * one replica each): kill -9 of the OpenSearch node holding a primary while messages are indexed and searched
 * (its replica takes over; nothing is missing after; the node comes back), kill -9 of the search node and a restart (it catches up,
 * nothing twice), and a full reindex from MySQL into a new index with an alias switch while searches go on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenSearchFailoverTest {

  private static final String CORE = "[{\"verticle\": \"persistence\"}, {\"verticle\": \"rooms\"}, {\"verticle\": \"http\"}]";
  private static final String SEARCH = "[{\"verticle\": \"search\"}]";
  private static final String TAG = "zqfailover";
  private static final Map<String, String> ENV = SearchEngines.use("opensearch", TestConfig.environment());
  private static Map<String, String> searchEnv;
  private static Node core;
  private static NodeProcess search;
  private static Vertx client;
  private static WebClient web;
  private static ApiClient api;
  private static User user;
  private static String room;
  /** Seqs of the room's messages that exist now (not deleted). */
  private static final List<Long> live = new ArrayList<>();

  @BeforeAll
  static void start() {
    client = Vertx.vertx();
    web = WebClient.create(client);
    JsonObject health = opensearch(HttpMethod.GET, "/_cluster/health", null);
    assertThat(health.getInteger("number_of_nodes")).as("needs the 2-node cluster of scripts/opensearch start 2")
        .isEqualTo(2);
    ENV.put("PARLEY_SEARCH_OPENSEARCH_HOSTS", SearchEngines.BOTH_NODES);
    ENV.put("PARLEY_SEARCH_OPENSEARCH_SHARDS", "2");
    ENV.put("PARLEY_SEARCH_OPENSEARCH_REPLICAS", "1");
    searchEnv = NodeProcess.environment(ENV);
    ApiClient.pinCluster(ENV, searchEnv);
    core = TestNodes.start(CORE, ENV);
    search = NodeProcess.start("search", SEARCH, searchEnv).awaitReady(client, 2);
    api = new ApiClient(client, Integer.parseInt(ENV.get("PARLEY_HTTP_PORT")));
    user = api.register();
    room = api.room(user, "private");
  }

  @AfterAll
  static void stop() throws Exception {
    if (search != null) {
      search.kill();
    }
    if (core != null) {
      Await.result(core.stop());
    }
    // Whatever a test killed runs again for the next ones.
    script("start", "2");
    Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
    SearchEngines.cleanUp(client, ENV);
    Await.result(client.close());
  }

  @Test
  @Order(1)
  void killingTheNodeOfAPrimaryWhileIndexingAndSearchingLosesNothing() throws Exception {
    send(20);
    awaitAll();
    String alias = ENV.get("PARLEY_SEARCH_OPENSEARCH_INDEX");
    opensearch(HttpMethod.GET, "/_cluster/health/" + alias + "?wait_for_status=green&timeout=60s", null);
    // The elected cluster manager stays: with two nodes only one of them votes. The other must hold a primary.
    String manager = opensearchArray("/_cat/cluster_manager?format=json").getJsonObject(0).getString("node");
    String victim = manager.equals("node-0") ? "node-1" : "node-0";
    JsonObject primaryOnManager = shards(alias).stream().map(JsonObject.class::cast)
        .filter(shard -> "p".equals(shard.getString("prirep")) && manager.equals(shard.getString("node")))
        .findFirst().orElse(null);
    if (primaryOnManager != null && shards(alias).stream().map(JsonObject.class::cast)
        .noneMatch(shard -> "p".equals(shard.getString("prirep")) && victim.equals(shard.getString("node")))) {
      opensearch(HttpMethod.POST, "/_cluster/reroute", new JsonObject().put("commands", new JsonArray().add(
          new JsonObject().put("cancel", new JsonObject().put("index", primaryOnManager.getString("index"))
              .put("shard", Integer.parseInt(primaryOnManager.getString("shard"))).put("node", manager)
              .put("allow_primary", true)))));
      opensearch(HttpMethod.GET, "/_cluster/health/" + alias + "?wait_for_status=green&timeout=60s", null);
    }
    assertThat(shards(alias).stream().map(JsonObject.class::cast)
        .anyMatch(shard -> "p".equals(shard.getString("prirep")) && victim.equals(shard.getString("node"))))
        .as("a primary on " + victim).isTrue();

    Vertx load = Vertx.vertx();
    AtomicIntegerArray searches = new AtomicIntegerArray(2);
    long searching = load.setPeriodic(100, tick -> api.web.get(api.port, "127.0.0.1", "/api/v1/search?q=" + TAG)
        .putHeader("Authorization", "Bearer " + user.token()).send()
        .onComplete(response -> searches.incrementAndGet(response.succeeded() && response.result().statusCode() == 200
            ? 0 : 1)));
    send(10);
    script("kill", victim.substring("node-".length()));
    send(30);
    load.cancelTimer(searching);
    Await.result(load.close());

    assertThat(searches.get(0)).as("searches answered while " + victim + " died").isPositive();
    awaitAll();
    script("start", "2");
  }

  @Test
  @Order(2)
  void aKilledSearchNodeCatchesUpWithNothingTwice() {
    search.kill();
    search = null;
    send(15);
    assertThat(api.call(HttpMethod.PATCH, "/rooms/" + room + "/messages/1", user,
        new JsonObject().put("text", TAG + " edited while search was down")).statusCode()).isEqualTo(200);
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/messages/2", user, null).statusCode()).isEqualTo(204);
    live.remove(Long.valueOf(2));
    search = NodeProcess.start("search", SEARCH, searchEnv).awaitReady(client, 2);
    awaitAll();
    assertThat(ids(api.hits(user, TAG + " edited", null))).containsExactly(room + "-1");
  }

  @Test
  @Order(3)
  void aFullReindexSwitchesTheAliasWithoutDowntime() {
    String alias = ENV.get("PARLEY_SEARCH_OPENSEARCH_INDEX");
    String before = opensearch(HttpMethod.GET, "/_alias/" + alias, null).fieldNames().iterator().next();
    int indexed = live.size();
    Vertx load = Vertx.vertx();
    // Answers arrive on the client's event loop: lists safe to read from here.
    List<Integer> seen = new CopyOnWriteArrayList<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    long searching = load.setPeriodic(50, tick -> api.web.get(api.port, "127.0.0.1", "/api/v1/search?limit=100&q="
            + TAG).putHeader("Authorization", "Bearer " + user.token()).send()
        .onSuccess(response -> {
          if (response.statusCode() == 200) {
            seen.add(response.bodyAsJsonObject().getJsonArray("hits").size());
          } else {
            failures.add(response.statusCode() + " " + response.bodyAsString());
          }
        }).onFailure(failure -> failures.add(failure.toString())));
    // The operator's entry point: the core node's management port; the search verticle is on the other node.
    HttpResponse<Buffer> answer = Await.result(web.post(Integer.parseInt(ENV.get("PARLEY_MANAGEMENT_PORT")),
        "127.0.0.1", "/search/reindex").timeout(TimeUnit.MINUTES.toMillis(2)).send());
    assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
    JsonObject reindexed = answer.bodyAsJsonObject();
    send(5);
    load.cancelTimer(searching);
    Await.result(load.close());

    assertThat(reindexed.getString("engine")).isEqualTo("opensearch");
    assertThat(reindexed.getLong("messages")).isGreaterThanOrEqualTo(indexed);
    String after = opensearch(HttpMethod.GET, "/_alias/" + alias, null).fieldNames().iterator().next();
    assertThat(after).as("the alias names a new index").isNotEqualTo(before);
    assertThat(Await.result(web.head(SearchEngines.firstHost().getPort(), SearchEngines.firstHost().getHost(),
        "/" + before).send()).statusCode()).as("the old index is gone").isEqualTo(404);
    assertThat(List.copyOf(failures)).as("no search failed during the reindex").isEmpty();
    assertThat(List.copyOf(seen)).as("searches during the reindex").isNotEmpty().allMatch(hits -> hits >= indexed);
    awaitAll();
  }

  private static void send(int count) {
    for (int i = 0; i < count; i++) {
      live.add(api.send(user, room, TAG + " message " + live.size()).getLong("seq"));
    }
  }

  /** Every live message of the room found, each exactly once. */
  private static void awaitAll() {
    List<String> found = api.await(() -> {
      HttpResponse<Buffer> response = api.search(user, TAG, "limit=100");
      return response.statusCode() == 200 ? ids(response.bodyAsJsonObject().getJsonArray("hits")) : List.<String>of();
    }, hits -> hits.size() == live.size(), Duration.ofSeconds(60));
    assertThat(found).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(live.stream().map(seq -> room + "-" + seq).toList());
  }

  private static JsonArray shards(String alias) {
    return opensearchArray("/_cat/shards/" + alias + "?format=json&h=index,shard,prirep,state,node");
  }

  private static JsonObject opensearch(HttpMethod method, String path, JsonObject body) {
    URI host = SearchEngines.firstHost();
    var request = web.request(method, host.getPort(), host.getHost(), path);
    HttpResponse<Buffer> response = Await.result(body == null ? request.send() : request.sendJsonObject(body));
    assertThat(response.statusCode()).as(path + ": " + response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static JsonArray opensearchArray(String path) {
    URI host = SearchEngines.firstHost();
    HttpResponse<Buffer> response = Await.result(web.get(host.getPort(), host.getHost(), path).send());
    assertThat(response.statusCode()).as(path + ": " + response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonArray();
  }

  /** Runs scripts/opensearch with these arguments and waits for it. */
  private static void script(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(TestConfig.repoRoot().resolve("scripts/opensearch").toString());
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).inheritIO().start();
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).as("scripts/opensearch " + String.join(" ", arguments))
        .isTrue();
    assertThat(process.exitValue()).as("scripts/opensearch " + String.join(" ", arguments)).isZero();
  }
}
