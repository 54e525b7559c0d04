package dev.parley.node;

import static dev.parley.node.ApiClient.assertError;
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
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /api/v1/search} through a real node (http, rooms, persistence, search) on MariaDB and Redis, with the
 * message stream on the event bus: Korean by morpheme, English and mixed text, membership, edits and deletes.
 * Every test uses words of its own (a random tag) so tests never see each other's messages. The same suite runs on
 * both engines: here Lucene, in {@link OpenSearchApiTest} OpenSearch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchApiTest {

  private final Map<String, String> env = SearchEngines.use(engine(), TestConfig.environment());
  private Node node;
  private Vertx client;
  private ApiClient api;

  /** The engine this run of the suite searches with ({@link OpenSearchApiTest} runs it on OpenSearch). */
  String engine() {
    return "lucene";
  }

  @BeforeAll
  void start() {
    node = TestNodes.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "search"}, {"verticle": "http"}]""", env);
    client = Vertx.vertx();
    api = new ApiClient(client, Integer.parseInt(env.get("PARLEY_HTTP_PORT")));
  }

  @AfterAll
  void stop() {
    Await.result(node.stop());
    Await.result(TestDatabases.drop(client, TestConfig.config(env)));
    SearchEngines.cleanUp(client, env);
    Await.result(client.close());
  }

  /** A word no other test uses: random letters (Nori would split letters from digits). */
  private static String tag() {
    StringBuilder tag = new StringBuilder("zq");
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < 10; i++) {
      tag.append((char) ('a' + random.nextInt(26)));
    }
    return tag.toString();
  }

  @Test
  void koreanIsFoundByMorpheme() {
    User user = api.register();
    String room = api.room(user, "private");
    String tag = tag();
    JsonObject slow = api.send(user, room, tag + " 서버가 느려요");
    JsonObject searched = api.send(user, room, tag + " 검색했습니다");
    api.send(user, room, tag + " 점심 먹으러 가요");
    api.awaitHits(user, tag, null, 3);

    JsonArray server = api.hits(user, tag + " 서버", null);
    assertThat(server).hasSize(1);
    JsonObject hit = server.getJsonObject(0);
    assertThat(hit.getString("roomId")).isEqualTo(room);
    assertThat(hit.getLong("seq")).isEqualTo(slow.getLong("seq"));
    assertThat(hit.getString("senderId")).isEqualTo(user.id());
    assertThat(hit.getString("text")).isEqualTo(tag + " 서버가 느려요");
    assertThat(hit.getLong("ts")).isEqualTo(slow.getLong("ts"));
    assertThat(hit.getString("highlight")).isEqualTo("<mark>" + tag + "</mark> <mark>서버</mark>가 느려요");

    assertThat(ids(api.hits(user, tag + " 검색", null))).containsExactly(room + "-" + searched.getLong("seq"));
    assertThat(ids(api.hits(user, tag + " 느렸어요", null))).as("another ending of the same verb")
        .containsExactly(room + "-" + slow.getLong("seq"));
  }

  @Test
  void englishAndMixedText() {
    User user = api.register();
    String room = api.room(user, "private");
    String tag = tag();
    JsonObject english = api.send(user, room, tag + " The servers were RUNNING slowly after the deploy");
    JsonObject mixed = api.send(user, room, tag + " 오늘 deploy 했는데 Kafka 클러스터가 느려요");
    api.awaitHits(user, tag, null, 2);

    assertThat(ids(api.hits(user, tag + " server run", null))).containsExactly(room + "-" + english.getLong("seq"));
    assertThat(ids(api.hits(user, tag + " DEPLOYING", null))).containsExactlyInAnyOrder(
        room + "-" + english.getLong("seq"), room + "-" + mixed.getLong("seq"));
    assertThat(ids(api.hits(user, tag + " kafka 클러스터", null))).containsExactly(room + "-" + mixed.getLong("seq"));
    assertThat(api.hits(user, tag + " 느려요 deploy", null).getJsonObject(0).getString("highlight"))
        .contains("<mark>deploy</mark>", "<mark>느려요</mark>");
    assertThat(api.hits(user, tag + " nothing-like-this", null)).isEmpty();
  }

  @Test
  void onlyTheCallersRoomsAndPublicRoomsByNameAndNotAfterLeaving() {
    User owner = api.register();
    User member = api.register();
    User outsider = api.register();
    String tag = tag();
    String secret = api.room(owner, "private", member);
    String lobby = api.room(owner, "public");
    api.send(owner, secret, tag + " secret plans");
    api.send(owner, lobby, tag + " public plans");
    api.awaitHits(owner, tag + " plans", null, 2);

    assertThat(api.hits(member, tag + " plans", null)).hasSize(1);
    assertThat(api.hits(outsider, tag + " plans", null)).as("no rooms of theirs").isEmpty();
    assertThat(ids(api.hits(outsider, tag + " plans", "roomId=" + lobby))).as("a public room, named")
        .containsExactly(lobby + "-1");
    HttpResponse<Buffer> hidden = api.search(outsider, tag + " plans", "roomId=" + secret);
    HttpResponse<Buffer> missing = api.search(outsider, tag + " plans", "roomId=987654321");
    assertError(hidden, 404, "not_found", null);
    assertThat(hidden.bodyAsString()).isEqualTo(missing.bodyAsString());
    assertThat(ids(api.hits(member, tag + " plans", "roomId=" + secret))).containsExactly(secret + "-1");

    assertThat(api.call(HttpMethod.POST, "/rooms/" + secret + "/leave", member, null).statusCode()).isEqualTo(204);
    assertThat(api.hits(member, tag + " plans", null)).as("a former member").isEmpty();
    assertError(api.search(member, tag + " plans", "roomId=" + secret), 404, "not_found", null);
  }

  @Test
  void editsAndDeletesAreReflected() {
    User user = api.register();
    String room = api.room(user, "private");
    String tag = tag();
    api.send(user, room, tag + " first draft");
    api.send(user, room, tag + " temporary note");
    api.awaitHits(user, tag, null, 2);

    assertThat(api.call(HttpMethod.PATCH, "/rooms/" + room + "/messages/1", user,
        new JsonObject().put("text", tag + " final version")).statusCode()).isEqualTo(200);
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/messages/2", user, null).statusCode()).isEqualTo(204);

    api.awaitHits(user, tag + " final", null, 1);
    api.awaitHits(user, tag + " draft", null, 0);
    api.awaitHits(user, tag + " temporary", null, 0);
    JsonArray all = api.hits(user, tag, null);
    assertThat(ids(all)).containsExactly(room + "-1");
    assertThat(all.getJsonObject(0).getString("text")).isEqualTo(tag + " final version");
  }

  @Test
  void messagesAreFoundByTheNamesOfTheirAttachments() {
    User user = api.register();
    String room = api.room(user, "private");
    String tag = tag();
    String name = tag + "-budget.pdf";
    String id = api.uploaded(user, room, ApiClient.file(AttachmentNode.pdf(2000)), name, "application/pdf")
        .getString("id");
    // Only a file, no text: the file name is what finds it.
    assertThat(api.sendWith(user, room, "file-" + tag, null, id).statusCode()).isEqualTo(201);
    api.send(user, room, tag + " no file in this one");
    api.awaitHits(user, tag, null, 2);

    JsonArray hits = api.awaitHits(user, tag + " budget", null, 1);
    assertThat(ids(hits)).containsExactly(room + "-1");
    JsonArray attachments = hits.getJsonObject(0).getJsonArray("attachments");
    assertThat(attachments.getJsonObject(0).getString("id")).isEqualTo(id);
    assertThat(attachments.getJsonObject(0).getString("name")).isEqualTo(name);
    assertThat(api.hits(user, name, null)).hasSize(1);
    assertThat(api.hits(user, tag + " budget file", null)).as("every word must match").isEmpty();
  }

  @Test
  void limitsAndBadInput() {
    User user = api.register();
    String room = api.room(user, "private");
    String tag = tag();
    for (int i = 0; i < 25; i++) {
      api.send(user, room, tag + " message number " + i);
    }
    api.awaitHits(user, tag, "limit=100", 25);
    JsonArray defaults = api.hits(user, tag, null);
    assertThat(defaults).as("default limit").hasSize(20);
    assertThat(defaults.getJsonObject(0).getString("text")).as("newest first among equals")
        .isEqualTo(tag + " message number 24");
    assertThat(api.hits(user, tag, "limit=5")).hasSize(5);

    assertError(api.search(user, null, null), 400, "bad_request", "q");
    assertError(api.search(user, "   ", null), 400, "bad_request", "q");
    assertError(api.search(user, "x".repeat(300), null), 400, "bad_request", "q");
    assertError(api.search(user, tag, "limit=0"), 400, "bad_request", "limit");
    assertError(api.search(user, tag, "limit=101"), 400, "bad_request", "limit");
    assertError(api.search(user, tag, "limit=ten"), 400, "bad_request", "limit");
    assertThat(api.search(null, tag, null).statusCode()).isEqualTo(401);
    // Query syntax characters are search text, never an error.
    assertThat(api.search(user, "\"unclosed (( -- ** ~~ |", null).statusCode()).isEqualTo(200);
  }

  @Test
  void readinessIncludesTheIndex() {
    JsonObject ready = api.await(() -> Await.result(api.web.get(Integer.parseInt(env.get("PARLEY_MANAGEMENT_PORT")),
            "127.0.0.1", "/ready").send()).bodyAsJsonObject(), body -> body.getBoolean("ready"), Duration.ofSeconds(10));
    assertThat(ready.getJsonObject("checks").getJsonObject("search-index").getBoolean("ok")).isTrue();
    assertThat(ready.getJsonObject("checks").containsKey("kafka")).as("Kafka is off here").isFalse();
    assertThat(ready.getJsonObject("checks").containsKey("opensearch")).as("the engine's own check")
        .isEqualTo(engine().equals("opensearch"));
  }

  /**
   * The operator's reindex ({@code POST /search/reindex} on the management port): OpenSearch builds a new index
   * from MySQL and switches to it, and searches find the same afterwards; Lucene rebuilds in place, so it says no.
   */
  @Test
  void aReindexThroughTheManagementPort() {
    User user = api.register();
    String room = api.room(user, "private");
    String tag = tag();
    JsonObject sent = api.send(user, room, tag + " 서버가 느려요");
    api.awaitHits(user, tag, null, 1);

    HttpResponse<Buffer> answer = Await.result(api.web.post(Integer.parseInt(env.get("PARLEY_MANAGEMENT_PORT")),
        "127.0.0.1", "/search/reindex").send());
    if (engine().equals("opensearch")) {
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(200);
      assertThat(answer.bodyAsJsonObject().getString("engine")).isEqualTo("opensearch");
      assertThat(answer.bodyAsJsonObject().getLong("messages")).isGreaterThanOrEqualTo(1);
      assertThat(ids(api.hits(user, tag + " 서버", null))).containsExactly(room + "-" + sent.getLong("seq"));
    } else {
      assertThat(answer.statusCode()).as(answer.bodyAsString()).isEqualTo(503);
      assertThat(answer.bodyAsJsonObject().getJsonObject("error").getString("message"))
          .contains("rebuilds in place");
    }
  }
}
