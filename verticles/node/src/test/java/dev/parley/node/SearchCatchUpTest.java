package dev.parley.node;

import static dev.parley.node.ApiClient.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.node.ApiClient.User;
import dev.parley.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A search node of its own next to a core node (persistence, rooms, http): it catches up from MySQL after being
 * stopped while messages were sent, edited and deleted (nothing missing, nothing twice), and rebuilds a corrupt
 * index from MySQL in the background while its /ready says so.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchCatchUpTest {

  private final Map<String, String> env = SearchEngines.use(engine(), TestConfig.environment());
  private final Map<String, String> searchEnv = new HashMap<>(env);
  private static final String TAG = "zqcatchup";
  private Node core;
  private Node search;
  private Vertx client;
  private ApiClient api;
  private User user;
  private String room;

  /** The engine of this run ({@link OpenSearchCatchUpTest} runs the same tests on OpenSearch). */
  String engine() {
    return "lucene";
  }

  /** Makes the index unusable while no search node runs: here, unreadable commit points. */
  void damageIndex() throws IOException {
    Path index = Path.of(searchEnv.get("PARLEY_SEARCH_INDEXPATH"));
    try (Stream<Path> files = Files.list(index)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("segments_")).toList()) {
        Files.write(file, new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
      }
    }
  }

  /** The OpenSearch alias of this run (unset for Lucene). */
  String indexName() {
    return env.get("PARLEY_SEARCH_OPENSEARCH_INDEX");
  }

  @BeforeAll
  void start() {
    searchEnv.put("PARLEY_MANAGEMENT_PORT", String.valueOf(TestConfig.freePort()));
    ApiClient.pinCluster(env, searchEnv);
    core = TestNodes.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}]""", env);
    search = TestNodes.start("[{\"verticle\": \"search\"}]", searchEnv);
    client = Vertx.vertx();
    api = new ApiClient(client, Integer.parseInt(env.get("PARLEY_HTTP_PORT")));
  }

  @AfterAll
  void stop() {
    if (search != null) {
      Await.result(search.stop());
    }
    if (core != null) {
      Await.result(core.stop());
    }
    Await.result(TestDatabases.drop(client, TestConfig.config(env)));
    SearchEngines.cleanUp(client, env);
    Await.result(client.close());
  }

  @Test
  @Order(1)
  void catchesUpAfterBeingStoppedWhileMessagesWereSentEditedAndDeleted() {
    user = api.register();
    room = api.room(user, "private");
    for (int i = 1; i <= 10; i++) {
      api.send(user, room, TAG + " alpha " + i);
    }
    api.awaitHits(user, TAG + " alpha", "limit=100", 10);

    Await.result(search.stop());
    search = null;
    for (int i = 11; i <= 40; i++) {
      api.send(user, room, TAG + " beta " + i);
    }
    assertThat(api.call(HttpMethod.PATCH, "/rooms/" + room + "/messages/1", user,
        new JsonObject().put("text", TAG + " gamma edited while search was down")).statusCode()).isEqualTo(200);
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/messages/2", user, null).statusCode()).isEqualTo(204);
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/messages/40", user, null).statusCode()).isEqualTo(204);
    assertThat(api.search(user, TAG, null).statusCode()).as("no search node").isEqualTo(503);

    search = TestNodes.start("[{\"verticle\": \"search\"}]", searchEnv);
    assertComplete();
  }

  @Test
  @Order(2)
  void aDamagedIndexIsRebuiltFromMySqlWhileReadinessReportsIt() throws IOException {
    Await.result(search.stop());
    search = null;
    Await.result(core.stop());
    core = null;
    damageIndex();

    // Persistence is down: the rebuild cannot progress, and the search node is not ready.
    search = TestNodes.start("[{\"verticle\": \"search\"}]", searchEnv);
    JsonObject notReady = ready();
    assertThat(notReady.getBoolean("ready")).isFalse();
    assertThat(notReady.getJsonArray("failing").getList()).contains("search-index");
    assertThat(notReady.getJsonObject("checks").getJsonObject("search-index").getString("error"))
        .contains("rebuilt");
    // An incomplete index takes no queries (with another search node, that one would answer).
    Throwable refused = Await.failure(search.vertx().eventBus().request(Addresses.SEARCH,
        new JsonObject().put("userId", user.id()).put("q", TAG)));
    assertThat(((ReplyException) refused).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);

    core = TestNodes.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}]""", env);
    api.await(() -> ready(), body -> body.getBoolean("ready"), Duration.ofSeconds(30));
    assertComplete();
  }

  /** Every stored message exactly once, in its current state. */
  private void assertComplete() {
    JsonArray all = api.await(() -> {
      HttpResponse<Buffer> response = api.search(user, TAG, "limit=100");
      return response.statusCode() == 200 ? response.bodyAsJsonObject().getJsonArray("hits") : new JsonArray();
    }, hits -> hits.size() == 38, Duration.ofSeconds(30));
    List<String> ids = ids(all);
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(ids).doesNotContain(room + "-2", room + "-40");
    assertThat(ids(api.hits(user, TAG + " alpha", "limit=100"))).hasSize(8).doesNotContain(room + "-1");
    assertThat(api.hits(user, TAG + " beta", "limit=100")).hasSize(29);
    assertThat(ids(api.hits(user, TAG + " gamma", null))).containsExactly(room + "-1");
  }

  private JsonObject ready() {
    return Await.result(api.web.get(Integer.parseInt(searchEnv.get("PARLEY_MANAGEMENT_PORT")), "127.0.0.1", "/ready")
        .send()).bodyAsJsonObject();
  }
}
