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
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A search node of its own next to a core node (persistence, rooms, http): it catches up from MySQL after being
 * stopped while messages were sent, edited and deleted (nothing missing, nothing twice), and rebuilds a corrupt
 * index from MySQL in the background while its /ready says so.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SearchCatchUpTest {

  private static final Map<String, String> ENV = TestConfig.environment();
  private static final Map<String, String> SEARCH_ENV = new HashMap<>(ENV);
  private static final String TAG = "zqcatchup";
  private static Node core;
  private static Node search;
  private static Vertx client;
  private static ApiClient api;
  private static User user;
  private static String room;

  @BeforeAll
  static void start() {
    SEARCH_ENV.put("PARLEY_MANAGEMENT_PORT", String.valueOf(TestConfig.freePort()));
    ApiClient.pinCluster(ENV, SEARCH_ENV);
    core = TestNodes.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}]""", ENV);
    search = TestNodes.start("[{\"verticle\": \"search\"}]", SEARCH_ENV);
    client = Vertx.vertx();
    api = new ApiClient(client, Integer.parseInt(ENV.get("PARLEY_HTTP_PORT")));
  }

  @AfterAll
  static void stop() {
    if (search != null) {
      Await.result(search.stop());
    }
    if (core != null) {
      Await.result(core.stop());
    }
    Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
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

    search = TestNodes.start("[{\"verticle\": \"search\"}]", SEARCH_ENV);
    assertComplete();
  }

  @Test
  @Order(2)
  void aCorruptIndexIsRebuiltFromMySqlWhileReadinessReportsIt() throws IOException {
    Await.result(search.stop());
    search = null;
    Await.result(core.stop());
    core = null;
    Path index = Path.of(SEARCH_ENV.get("PARLEY_SEARCH_INDEXPATH"));
    try (Stream<Path> files = Files.list(index)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("segments_")).toList()) {
        Files.write(file, new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
      }
    }

    // Persistence is down: the rebuild cannot progress, and the search node is not ready.
    search = TestNodes.start("[{\"verticle\": \"search\"}]", SEARCH_ENV);
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
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}]""", ENV);
    api.await(SearchCatchUpTest::ready, body -> body.getBoolean("ready"), Duration.ofSeconds(30));
    assertComplete();
  }

  /** Every stored message exactly once, in its current state. */
  private static void assertComplete() {
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

  private static JsonObject ready() {
    return Await.result(api.web.get(Integer.parseInt(SEARCH_ENV.get("PARLEY_MANAGEMENT_PORT")), "127.0.0.1", "/ready")
        .send()).bodyAsJsonObject();
  }
}
