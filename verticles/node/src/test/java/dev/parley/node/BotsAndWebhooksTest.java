package dev.parley.node;

import static dev.parley.node.ApiClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.common.testing.TestSocket;
import dev.parley.node.ApiClient.User;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bots and incoming webhooks end to end on one node: a bot token works over REST and WebSocket like an access
 * token, deleting the bot makes it 401 and closes its sockets; an incoming webhook posts as its bot through the
 * send path, idempotently per clientMsgId, and answers 404 once deleted.
 */
class BotsAndWebhooksTest {

  private static final Map<String, String> ENV = TestConfig.environment();
  private static Node node;
  private static Vertx client;
  private static ApiClient api;
  private static WebSocketClient sockets;
  private static int socketPort;

  @BeforeAll
  static void start() {
    node = TestNodes.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}, {"verticle": "socket"}]""", ENV);
    client = Vertx.vertx();
    api = new ApiClient(client, Integer.parseInt(ENV.get("PARLEY_HTTP_PORT")));
    sockets = TestSocket.client(client);
    socketPort = Integer.parseInt(ENV.get("PARLEY_SOCKET_PORT"));
  }

  @AfterAll
  static void stop() {
    Await.result(node.stop());
    Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
    Await.result(client.close());
  }

  private static User bot(User owner) {
    String username = "bot" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    HttpResponse<Buffer> created = api.call(HttpMethod.POST, "/bots", owner,
        new JsonObject().put("username", username).put("displayName", "CI bot"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject body = created.bodyAsJsonObject();
    assertThat(body.getJsonObject("bot").getString("username")).isEqualTo(username);
    assertThat(body.getString("token")).startsWith("pbt_").hasSizeGreaterThan(40);
    return new User(body.getJsonObject("bot").getString("id"), username, body.getString("token"));
  }

  @Test
  void aBotTokenWorksOverRestAndWebSocketUntilTheBotIsDeleted() {
    User owner = api.register();
    User bot = bot(owner);

    HttpResponse<Buffer> me = api.get("/users/me", bot);
    assertThat(me.statusCode()).as(me.bodyAsString()).isEqualTo(200);
    assertThat(me.bodyAsJsonObject().getString("id")).isEqualTo(bot.id());
    assertThat(me.bodyAsJsonObject().getBoolean("bot")).isTrue();
    JsonArray found = api.get("/users?q=" + bot.username(), owner).bodyAsJsonObject().getJsonArray("users");
    assertThat(found).hasSize(1);
    assertThat(found.getJsonObject(0).getBoolean("bot")).isTrue();
    assertThat(api.get("/users/me", owner).bodyAsJsonObject().containsKey("bot")).isFalse();

    JsonArray mine = api.get("/bots", owner).bodyAsJsonObject().getJsonArray("bots");
    assertThat(mine).hasSize(1);
    assertThat(mine.getJsonObject(0).getString("id")).isEqualTo(bot.id());
    assertThat(mine.encode()).doesNotContain(bot.token()).doesNotContain("token");

    String room = api.room(owner, "private", bot);
    TestSocket watcher = TestSocket.ready(sockets, socketPort, owner.token());
    JsonObject sent = api.send(bot, room, "deploy finished");
    assertThat(sent.getString("senderId")).isEqualTo(bot.id());
    assertThat(sent.getBoolean("bot")).isTrue();

    TestSocket socket = TestSocket.ready(sockets, socketPort, bot.token());
    socket.send(new JsonObject().put("type", "send").put("id", "ws-1").put("room", room).put("text", "over the socket"));
    JsonObject ack = socket.next("ack");
    assertThat(ack.getString("id")).isEqualTo("ws-1");
    assertThat(ack.getLong("seq")).isEqualTo(2L);
    api.send(owner, room, "thanks");

    // bot: true on the bots' messages (REST and WebSocket sends alike), live, in history and in a resume; not on the owner's.
    for (long seq = 1; seq <= 3; seq++) {
      JsonObject live = watcher.next("message");
      assertThat(live.getLong("seq")).isEqualTo(seq);
      assertThat(live.getBoolean("bot", false)).as(live.encode()).isEqualTo(seq < 3);
    }
    watcher.close();
    JsonArray history = api.get("/rooms/" + room + "/messages", owner).bodyAsJsonObject().getJsonArray("messages");
    assertThat(history.stream().map(JsonObject.class::cast).map(message -> message.getBoolean("bot", false)))
        .containsExactlyInAnyOrder(true, true, false);
    TestSocket resumed = TestSocket.ready(sockets, socketPort, owner.token());
    resumed.send(new JsonObject().put("type", "resume").put("positions", new JsonObject().put(room, 0)));
    for (long seq = 1; seq <= 3; seq++) {
      JsonObject replayed = resumed.next("message");
      assertThat(replayed.getLong("seq")).isEqualTo(seq);
      assertThat(replayed.getBoolean("bot", false)).as(replayed.encode()).isEqualTo(seq < 3);
    }
    resumed.close();

    // Only its owner can delete it; for anyone else it does not exist.
    assertError(api.call(HttpMethod.DELETE, "/bots/" + bot.id(), api.register(), null), 404, "not_found", null);
    HttpResponse<Buffer> deleted = api.call(HttpMethod.DELETE, "/bots/" + bot.id(), owner, null);
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(204);

    assertThat(socket.awaitClose(Duration.ofSeconds(10))).isEqualTo((short) 4401);
    assertError(api.get("/users/me", bot), 401, "unauthorized", null);
    assertError(api.call(HttpMethod.POST, "/rooms/" + room + "/messages", bot,
        new JsonObject().put("clientMsgId", "after").put("text", "still here?")), 401, "unauthorized", null);
    assertThat(TestSocket.connect(sockets, socketPort, "/ws", bot.token()).readyOrClosed(Duration.ofSeconds(10)))
        .isEqualTo("4401");
    assertThat(api.get("/bots", owner).bodyAsJsonObject().getJsonArray("bots")).isEmpty();
  }

  @Test
  void aForgedBotTokenIsUnauthorized() {
    User forged = new User("1", "nobody", "pbt_" + "A".repeat(43));
    assertError(api.get("/users/me", forged), 401, "unauthorized", null);
    assertThat(TestSocket.connect(sockets, socketPort, "/ws", forged.token()).readyOrClosed(Duration.ofSeconds(10)))
        .isEqualTo("4401");
  }

  @Test
  void anIncomingWebhookPostsAsItsBotIdempotentlyUntilDeleted() {
    User owner = api.register();
    User member = api.register();
    String room = api.room(owner, "private", member);

    assertError(api.call(HttpMethod.POST, "/rooms/" + room + "/webhooks", member, new JsonObject().put("name", "CI")),
        403, "forbidden", null);
    assertError(api.call(HttpMethod.POST, "/rooms/" + room + "/webhooks", api.register(),
        new JsonObject().put("name", "CI")), 404, "not_found", null);
    assertError(api.call(HttpMethod.POST, "/rooms/" + room + "/webhooks", owner, new JsonObject().put("name", " ")),
        400, "bad_request", "name");

    HttpResponse<Buffer> created = api.call(HttpMethod.POST, "/rooms/" + room + "/webhooks", owner,
        new JsonObject().put("name", "CI"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject hook = created.bodyAsJsonObject();
    String path = URI.create(hook.getString("url")).getPath();
    assertThat(path).startsWith("/api/v1/webhooks/" + hook.getString("id") + "/");

    HttpResponse<Buffer> posted = post(path, new JsonObject().put("text", "build 17 is green").put("clientMsgId", "b17"));
    assertThat(posted.statusCode()).as(posted.bodyAsString()).isEqualTo(201);
    JsonObject message = posted.bodyAsJsonObject();
    assertThat(message.getString("senderId")).isEqualTo(hook.getString("botId"));
    assertThat(message.getBoolean("bot")).isTrue();
    assertThat(message.getString("text")).isEqualTo("build 17 is green");

    // A retry (same clientMsgId) is the same message, not a second one.
    HttpResponse<Buffer> retried = post(path, new JsonObject().put("text", "build 17 is green").put("clientMsgId", "b17"));
    assertThat(retried.statusCode()).as(retried.bodyAsString()).isEqualTo(200);
    assertThat(retried.bodyAsJsonObject().getString("id")).isEqualTo(message.getString("id"));
    assertThat(retried.bodyAsJsonObject().getLong("seq")).isEqualTo(message.getLong("seq"));
    // Without a clientMsgId every post is a new message.
    assertThat(post(path, new JsonObject().put("text", "build 18 started")).statusCode()).isEqualTo(201);

    // The same validation as any send.
    assertError(post(path, new JsonObject().put("text", "   ")), 400, "bad_request", "text");
    assertError(post(path, new JsonObject().put("text", "x".repeat(4001))), 413, "too_large", "text");
    assertError(post(path, new JsonObject()), 400, "bad_request", "text");

    JsonArray history = api.get("/rooms/" + room + "/messages", member).bodyAsJsonObject().getJsonArray("messages");
    assertThat(history).hasSize(2);
    assertThat(history.getJsonObject(0).getString("senderId")).isEqualTo(hook.getString("botId"));
    assertThat(history.getJsonObject(0).getBoolean("bot")).isTrue();
    JsonObject lastMessage = api.get("/rooms", member).bodyAsJsonObject().getJsonArray("rooms").stream()
        .map(JsonObject.class::cast).filter(mine -> mine.getString("id").equals(room)).findFirst().orElseThrow()
        .getJsonObject("lastMessage");
    assertThat(lastMessage.getString("text")).isEqualTo("build 18 started");
    assertThat(lastMessage.getBoolean("bot")).as(lastMessage.encode()).isTrue();
    JsonObject botUser = api.get("/users?q=hook-", owner).bodyAsJsonObject().getJsonArray("users").stream()
        .map(JsonObject.class::cast).filter(user -> user.getString("id").equals(hook.getString("botId")))
        .findFirst().orElseThrow();
    assertThat(botUser.getBoolean("bot")).isTrue();
    assertThat(botUser.getString("displayName")).isEqualTo("CI");

    String wrongSecret = path.substring(0, path.lastIndexOf('/') + 1) + "A".repeat(43);
    assertError(post(wrongSecret, new JsonObject().put("text", "guess")), 404, "not_found", null);

    JsonArray listed = api.get("/rooms/" + room + "/webhooks", owner).bodyAsJsonObject().getJsonArray("webhooks");
    assertThat(listed).hasSize(1);
    assertThat(listed.encode()).doesNotContain(path.substring(path.lastIndexOf('/') + 1));
    assertError(api.call(HttpMethod.DELETE, "/rooms/" + room + "/webhooks/" + hook.getString("id"), member, null),
        403, "forbidden", null);
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/webhooks/" + hook.getString("id"), owner, null)
        .statusCode()).isEqualTo(204);
    assertError(post(path, new JsonObject().put("text", "after delete").put("clientMsgId", "b19")), 404, "not_found", null);
    assertError(api.call(HttpMethod.DELETE, "/rooms/" + room + "/webhooks/" + hook.getString("id"), owner, null),
        404, "not_found", null);
  }

  private static HttpResponse<Buffer> post(String path, JsonObject body) {
    return Await.result(api.web.post(api.port, "127.0.0.1", path).sendJsonObject(body));
  }
}
