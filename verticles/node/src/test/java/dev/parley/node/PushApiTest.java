package dev.parley.node;

import dev.parley.common.testing.TestSocket;
import static dev.parley.node.ApiClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.push.P256;
import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestKeys;
import dev.parley.common.testing.TestPushService;
import dev.parley.node.ApiClient.User;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Preferences and push end to end on two nodes: a core node (persistence, rooms, http, notifier) and an edge
 * node with the sockets, so "online" means a socket on another node than the notifier's. Pushes go to a test
 * push service that verifies VAPID and decrypts them ({@link TestPushService}).
 */
class PushApiTest {

  private static NodePair nodes;
  private static Vertx client;
  private static ApiClient api;
  private static WebSocketClient sockets;
  private static int socketPort;

  @BeforeAll
  static void start() {
    nodes = NodePair.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}, {"verticle": "notifier"}]""",
        "[{\"verticle\": \"socket\"}]", Map.of("PARLEY_PUSH_COALESCESECONDS", "0"));
    client = nodes.client;
    api = nodes.api;
    sockets = nodes.sockets;
    socketPort = NodePair.socketPort(nodes.secondEnv);
    nodes.awaitReady(nodes.firstEnv);
  }

  @AfterAll
  static void stop() {
    nodes.stop();
  }

  private static JsonObject preferences(String level, boolean push, String content, JsonObject quiet) {
    return new JsonObject().put("level", level).put("push", push).put("pushContent", content).put("quietHours", quiet);
  }

  @Test
  void preferencesAndRoomLevelsAsTheContractSays() {
    User bob = api.register();
    User outsider = api.register();
    assertThat(api.get("/notifications/preferences", bob).bodyAsJsonObject())
        .isEqualTo(preferences("mentions", true, "full", null));
    JsonObject wanted = preferences("all", false, "generic",
        new JsonObject().put("start", "22:30").put("end", "07:00").put("timeZone", "Asia/Seoul"));
    var put = api.call(HttpMethod.PUT, "/notifications/preferences", bob, wanted);
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(put.bodyAsJsonObject()).isEqualTo(wanted);
    assertThat(api.get("/notifications/preferences", bob).bodyAsJsonObject()).isEqualTo(wanted);

    assertError(api.call(HttpMethod.PUT, "/notifications/preferences", bob, wanted.copy().put("level", "loud")),
        400, "bad_request", "level");
    assertError(api.call(HttpMethod.PUT, "/notifications/preferences", bob, wanted.copy().put("quietHours",
        new JsonObject().put("start", "22:30").put("end", "07:00").put("timeZone", "Nowhere/Land"))),
        400, "bad_request", "quietHours.timeZone");
    assertError(api.call(HttpMethod.PUT, "/notifications/preferences", bob, wanted.copy().put("push", "yes")),
        400, "bad_request", "push");

    String room = api.room(bob, "private");
    var level = api.call(HttpMethod.PUT, "/rooms/" + room + "/notifications", bob, new JsonObject().put("level", "none"));
    assertThat(level.statusCode()).isEqualTo(200);
    assertThat(level.bodyAsJsonObject()).isEqualTo(new JsonObject().put("roomId", room).put("level", "none"));
    assertThat(api.get("/notifications/mutes", bob).bodyAsJsonObject().getJsonArray("roomIds").getList())
        .as("none is the mute").containsExactly(room);
    String loud = api.room(bob, "private");
    api.call(HttpMethod.PUT, "/rooms/" + loud + "/notifications", bob, new JsonObject().put("level", "all"));
    assertThat(api.get("/notifications/rooms", bob).bodyAsJsonObject()).as("the rooms with a level of their own")
        .isEqualTo(new JsonObject().put("levels", new JsonObject().put(room, "none").put(loud, "all")));
    assertThat(api.get("/notifications/rooms", outsider).bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("levels", new JsonObject()));
    assertThat(api.call(HttpMethod.PUT, "/rooms/" + room + "/notifications", bob,
        new JsonObject().put("level", "default")).statusCode()).isEqualTo(200);
    assertThat(api.get("/notifications/mutes", bob).bodyAsJsonObject().getJsonArray("roomIds")).isEmpty();
    assertThat(api.get("/notifications/rooms", bob).bodyAsJsonObject().getJsonObject("levels").getMap())
        .containsOnlyKeys(loud);
    assertError(api.call(HttpMethod.PUT, "/rooms/" + room + "/notifications", bob,
        new JsonObject().put("level", "some")), 400, "bad_request", "level");
    assertError(api.call(HttpMethod.PUT, "/rooms/" + room + "/notifications", outsider,
        new JsonObject().put("level", "all")), 404, "not_found", null);
  }

  @Test
  void roomLevelAllNotifiesEveryMessageAndUserLevelNoneSilencesMentions() {
    User alice = api.register();
    User bob = api.register();
    String loud = api.room(alice, "private", bob);
    String quiet = api.room(alice, "private", bob);
    api.call(HttpMethod.PUT, "/rooms/" + loud + "/notifications", bob, new JsonObject().put("level", "all"));
    api.call(HttpMethod.PUT, "/notifications/preferences", bob, preferences("none", false, "full", null));

    api.send(alice, quiet, "@" + bob.username() + " you set none: silent");
    api.send(alice, loud, "no mention, but this room is all for bob");
    JsonArray listed = api.await(() -> api.get("/notifications", bob).bodyAsJsonObject().getJsonArray("notifications"),
        list -> !list.isEmpty(), Duration.ofSeconds(20));
    assertThat(listed).hasSize(1);
    assertThat(listed.getJsonObject(0).getString("room")).isEqualTo(loud);
    assertThat(listed.getJsonObject(0).getString("kind")).isEqualTo("message");
  }

  @Test
  void subscriptionsAndTheVapidKey() {
    User bob = api.register();
    byte[] expected = P256.uncompressed((ECPublicKey) TestKeys.vapid().pair().getPublic());
    assertThat(Base64.getUrlDecoder().decode(api.get("/push/vapid", bob).bodyAsJsonObject().getString("publicKey")))
        .isEqualTo(expected);
    JsonObject gateway = new JsonObject().put("kind", "gateway").put("url", "https://push.example.org/_matrix/push/v1/notify")
        .put("pushkey", "token-1").put("appId", "dev.parley.android");
    var created = api.call(HttpMethod.POST, "/push/subscriptions", bob, gateway);
    assertThat(created.statusCode()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    assertThat(api.call(HttpMethod.POST, "/push/subscriptions", bob, gateway).bodyAsJsonObject().getString("id"))
        .as("the same device again").isEqualTo(id);
    JsonArray mine = api.get("/push/subscriptions", bob).bodyAsJsonObject().getJsonArray("subscriptions");
    assertThat(mine).hasSize(1);
    assertThat(mine.getJsonObject(0).getString("url")).isEqualTo(gateway.getString("url"));

    assertError(api.call(HttpMethod.POST, "/push/subscriptions", bob, gateway.copy().put("url", "https://x.org/notify")),
        400, "bad_request", "url");
    assertError(api.call(HttpMethod.POST, "/push/subscriptions", bob, new JsonObject().put("kind", "webpush")
        .put("endpoint", "https://push.example.org/x").put("keys", new JsonObject().put("p256dh", "AAAA").put("auth", "AAAA"))),
        400, "bad_request", "keys.p256dh");
    assertError(api.call(HttpMethod.DELETE, "/push/subscriptions/" + id, api.register(), null), 404, "not_found", null);
    assertThat(api.call(HttpMethod.DELETE, "/push/subscriptions/" + id, bob, null).statusCode()).isEqualTo(204);
    assertThat(api.get("/push/subscriptions", bob).bodyAsJsonObject().getJsonArray("subscriptions")).isEmpty();
  }

  @Test
  void aUserOnlineOnAnotherNodeGetsNoPushAndOfflineADecryptedOne() {
    User alice = api.register();
    User bob = api.register();
    String room = api.room(alice, "private", bob);
    TestPushService service = Await.result(TestPushService.start(client));
    assertThat(api.call(HttpMethod.POST, "/push/subscriptions", bob, service.subscription()).statusCode()).isEqualTo(201);

    TestSocket online = TestSocket.ready(sockets, socketPort, bob.token());
    long whileOnline = api.send(alice, room, "@" + bob.username() + " you are online").getLong("seq");
    assertThat(online.next("notification").getLong("seq")).isEqualTo(whileOnline);
    // The notifier checks presence as it handles a notification, in stream order: once a later one reached
    // the socket, the first one's check has been made while the socket was open.
    long marker = api.send(alice, room, "@" + bob.username() + " marker").getLong("seq");
    assertThat(online.next("notification").getLong("seq")).isEqualTo(marker);
    online.close();
    online.awaitClose(Duration.ofSeconds(10));

    // Presence is dropped as the socket node sees the close; until then mentions are still "online" ones.
    List<TestPushService.Received> pushes = api.await(() -> {
      api.send(alice, room, "@" + bob.username() + " 지금은 오프라인?");
      return Await.result(service.awaitCount(1).timeout(2, java.util.concurrent.TimeUnit.SECONDS)
          .otherwise(List.of()));
    }, received -> !received.isEmpty(), Duration.ofSeconds(30));
    TestPushService.Received push = pushes.get(0);
    assertThat(push.problem()).isNull();
    assertThat(push.payload().getLong("seq")).isGreaterThan(marker);
    assertThat(push.payload().getString("room")).isEqualTo(room);
    assertThat(push.payload().getString("sender")).isEqualTo(alice.id());
    assertThat(push.payload().getString("body")).contains("지금은 오프라인?");
    assertThat(service.received()).noneMatch(p -> p.payload() != null && p.payload().getLong("seq") <= marker);

    // Generic content: the same path, no text.
    api.call(HttpMethod.PUT, "/notifications/preferences", bob, preferences("mentions", true, "generic", null));
    int before = service.received().size();
    api.send(alice, room, "@" + bob.username() + " secret plans");
    TestPushService.Received generic = Await.result(service.awaitCount(before + 1)).get(before);
    assertThat(generic.payload().encode()).doesNotContain("secret").doesNotContain(alice.username());
    Await.result(service.close());
  }
}
