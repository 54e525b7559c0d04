package dev.parley.node;

import static dev.parley.node.ApiClient.ids;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.node.ApiClient.User;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 22 (4): a search index kept from another database (the database dropped and created again, a backup
 * restored, a search node whose disk outlived its database) is rebuilt rather than resumed: its stream position
 * belongs to another outbox, whose ids the new one reuses. Without the stream identity the index skipped the new
 * database's first events as already handled, and new messages were never found.
 */
class SearchStreamIdentityTest {

  private static final String DEPLOY = """
      [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "search"}, {"verticle": "http"}]""";

  @ParameterizedTest
  @ValueSource(strings = {"lucene", "opensearch"})
  void anIndexOfAnotherDatabaseIsRebuiltAndFindsTheNewMessages(String engine) {
    Map<String, String> first = SearchEngines.use(engine, TestConfig.environment());
    Map<String, String> second = new HashMap<>(first);
    second.put("PARLEY_MYSQL_DATABASE", first.get("PARLEY_MYSQL_DATABASE") + "_b");
    Vertx client = Vertx.vertx();
    ApiClient api = new ApiClient(client, Integer.parseInt(first.get("PARLEY_HTTP_PORT")));
    Node node = null;
    try {
      node = TestNodes.start(DEPLOY, first);
      User old = api.register();
      String oldRoom = api.room(old, "private");
      for (int i = 0; i < 8; i++) {
        api.send(old, oldRoom, "zqidentity old " + i);
      }
      api.awaitHits(old, "zqidentity", "limit=100", 8);
      Await.result(node.stop());
      node = null;

      // Same index, a fresh database: its user, room and event ids start again from 1.
      node = TestNodes.start(DEPLOY, second);
      User user = api.register();
      String room = api.room(user, "private");
      assertThat(room).as("the new database reuses the old room id").isEqualTo(oldRoom);
      List<String> sent = List.of("one", "two", "three").stream()
          .map(word -> room + "-" + api.send(user, room, "zqidentity new " + word).getLong("seq")).toList();
      assertThat(ids(api.awaitHits(user, "zqidentity new", "limit=100", 3))).containsExactlyInAnyOrderElementsOf(sent);
      assertThat(api.hits(user, "zqidentity old", "limit=100")).as("nothing of the other database").isEmpty();
    } finally {
      if (node != null) {
        Await.result(node.stop());
      }
      Await.result(TestDatabases.drop(client, TestConfig.config(first)));
      Await.result(TestDatabases.drop(client, TestConfig.config(second)));
      SearchEngines.cleanUp(client, first);
      Await.result(client.close());
    }
  }
}
