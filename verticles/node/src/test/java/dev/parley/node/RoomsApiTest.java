package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.contract.Addresses;
import dev.parley.contract.RoomActions;
import dev.parley.contract.RoomEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Rooms and Messages REST contract through a real node (http, rooms, persistence) on MariaDB and Redis. */
class RoomsApiTest {

  private static final Map<String, String> ENV = TestConfig.environment();
  private static Node node;
  private static Vertx client;
  private static WebClient web;
  private static int port;

  record User(String id, String token) {
  }

  @BeforeAll
  static void start() {
    node = TestNodes.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}]""", ENV);
    client = Vertx.vertx();
    web = WebClient.create(client);
    port = Integer.parseInt(ENV.get("PARLEY_HTTP_PORT"));
  }

  @AfterAll
  static void stop() {
    Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
    Await.result(node.stop());
    Await.result(client.close());
  }

  @Test
  void ownerCreatesARoomAndMembersSeeItWithUnreadAndLastMessage() {
    User owner = register();
    User member = register();

    HttpResponse<Buffer> created = call(HttpMethod.POST, "/rooms", owner,
        new JsonObject().put("name", "  general  ").put("members", new JsonArray().add(member.id())));
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject room = created.bodyAsJsonObject();
    assertThat(room.getString("name")).isEqualTo("general");
    assertThat(room.getString("kind")).isEqualTo("group");
    assertThat(room.getString("visibility")).isEqualTo("private");
    assertThat(room.getString("createdBy")).isEqualTo(owner.id());
    assertThat(room.getInteger("memberCount")).isEqualTo(2);
    assertThat(room.getLong("lastSeq")).isZero();

    send(owner, room.getString("id"), "c1", "hello");
    send(owner, room.getString("id"), "c2", "world");

    JsonObject listed = only(call(HttpMethod.GET, "/rooms", member, null).bodyAsJsonObject(), room.getString("id"));
    assertThat(listed.getString("role")).isEqualTo("member");
    assertThat(listed.getLong("unread")).isEqualTo(2L);
    assertThat(listed.getJsonObject("lastMessage").getString("text")).isEqualTo("world");
    JsonObject mine = only(call(HttpMethod.GET, "/rooms", owner, null).bodyAsJsonObject(), room.getString("id"));
    assertThat(mine.getString("role")).isEqualTo("owner");
    assertThat(mine.getLong("unread")).as("own messages are read").isZero();

    assertThat(call(HttpMethod.POST, "/rooms/" + room.getString("id") + "/read", member, new JsonObject().put("seq", 1))
        .statusCode()).isEqualTo(204);
    assertThat(only(call(HttpMethod.GET, "/rooms", member, null).bodyAsJsonObject(), room.getString("id"))
        .getLong("unread")).isEqualTo(1L);
  }

  @Test
  void privateRoomsAreInvisibleToOutsidersExactlyLikeMissingOnes() {
    User owner = register();
    User outsider = register();
    String roomId = createRoom(owner, "secret", "private");

    HttpResponse<Buffer> hidden = call(HttpMethod.GET, "/rooms/" + roomId, outsider, null);
    HttpResponse<Buffer> missing = call(HttpMethod.GET, "/rooms/987654321", outsider, null);
    assertThat(hidden.statusCode()).isEqualTo(404);
    assertThat(hidden.bodyAsString()).isEqualTo(missing.bodyAsString());
    for (HttpResponse<Buffer> refused : List.of(
        call(HttpMethod.GET, "/rooms/" + roomId + "/messages", outsider, null),
        call(HttpMethod.POST, "/rooms/" + roomId + "/messages", outsider, message("x", "let me in")),
        call(HttpMethod.POST, "/rooms/" + roomId + "/join", outsider, null),
        call(HttpMethod.GET, "/rooms/" + roomId + "/members", outsider, null))) {
      assertThat(refused.statusCode()).isEqualTo(404);
      assertThat(refused.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
    }
  }

  @Test
  void sendIsIdempotentPerClientMessageId() {
    User owner = register();
    String roomId = createRoom(owner, "idem", "private");

    HttpResponse<Buffer> first = call(HttpMethod.POST, "/rooms/" + roomId + "/messages", owner, message("same", "once"));
    HttpResponse<Buffer> retry = call(HttpMethod.POST, "/rooms/" + roomId + "/messages", owner, message("same", "once"));

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.bodyAsJsonObject()).isEqualTo(first.bodyAsJsonObject());
    JsonObject stored = first.bodyAsJsonObject();
    assertThat(stored.getString("id")).isEqualTo(roomId + "-1");
    assertThat(stored.getLong("seq")).isEqualTo(1L);
    assertThat(stored.getString("senderId")).isEqualTo(owner.id());
    assertThat(stored.getString("clientMsgId")).isEqualTo("same");
    assertThat(stored.getLong("ts")).isPositive();
  }

  @Test
  void historyEditsDeletesAndTheirEvents() {
    User owner = register();
    User member = register();
    String roomId = createRoom(owner, "history", "private");
    addMember(owner, roomId, member, "member");
    List<JsonObject> events = listen(Addresses.room(roomId));
    for (int i = 1; i <= 5; i++) {
      send(i % 2 == 0 ? owner : member, roomId, "h" + i, "text " + i);
    }

    JsonObject page = call(HttpMethod.GET, "/rooms/" + roomId + "/messages?before=5&limit=2", owner, null)
        .bodyAsJsonObject();
    assertThat(page.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("seq"))).containsExactly(3L, 4L);
    assertThat(page.getBoolean("hasMore")).isTrue();
    JsonObject after = call(HttpMethod.GET, "/rooms/" + roomId + "/messages?after=3", owner, null).bodyAsJsonObject();
    assertThat(after.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("seq"))).containsExactly(4L, 5L);
    assertThat(after.getBoolean("hasMore")).isFalse();
    assertThat(call(HttpMethod.GET, "/rooms/" + roomId + "/messages?limit=0", owner, null).statusCode()).isEqualTo(400);
    assertThat(call(HttpMethod.GET, "/rooms/" + roomId + "/messages?before=abc", owner, null).bodyAsJsonObject()
        .getJsonObject("error").getString("field")).isEqualTo("before");

    HttpResponse<Buffer> edited = call(HttpMethod.PATCH, "/rooms/" + roomId + "/messages/1", member,
        new JsonObject().put("text", "text 1 (edited)"));
    assertThat(edited.statusCode()).isEqualTo(200);
    assertThat(edited.bodyAsJsonObject().getLong("editedAt")).isNotNull();
    assertThat(call(HttpMethod.PATCH, "/rooms/" + roomId + "/messages/1", owner, new JsonObject().put("text", "no"))
        .statusCode()).isEqualTo(403);
    // The owner may delete another member's message.
    assertThat(call(HttpMethod.DELETE, "/rooms/" + roomId + "/messages/3", owner, null).statusCode()).isEqualTo(204);
    JsonObject tombstone = call(HttpMethod.GET, "/rooms/" + roomId + "/messages?after=2&limit=1", owner, null)
        .bodyAsJsonObject().getJsonArray("messages").getJsonObject(0);
    assertThat(tombstone.getBoolean("deleted")).isTrue();
    assertThat(tombstone.containsKey("text")).isFalse();
    assertThat(call(HttpMethod.DELETE, "/rooms/" + roomId + "/messages/99", owner, null).statusCode()).isEqualTo(404);

    awaitEvents(events, 7);
    // Events of one room come from whichever writer committed them; each kind is checked on its own.
    assertThat(events.stream().filter(e -> "message".equals(e.getString("type"))).map(e -> e.getLong("seq")))
        .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
    assertThat(events.stream().filter(e -> "message.updated".equals(e.getString("type"))).findFirst().orElseThrow()
        .getString("text")).isEqualTo("text 1 (edited)");
    assertThat(events).contains(new JsonObject().put("room", roomId).put("seq", 3).put("type", "message.deleted"));
  }

  @Test
  void directRoomsAreOnePerPair() {
    User a = register();
    User b = register();

    HttpResponse<Buffer> first = call(HttpMethod.POST, "/rooms/direct", a, new JsonObject().put("userId", b.id()));
    HttpResponse<Buffer> again = call(HttpMethod.POST, "/rooms/direct", b, new JsonObject().put("userId", a.id()));

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(first.bodyAsJsonObject().getString("id"));
    assertThat(first.bodyAsJsonObject().getString("kind")).isEqualTo("direct");
    assertThat(call(HttpMethod.POST, "/rooms/direct", a, new JsonObject().put("userId", "424242424")).statusCode())
        .isEqualTo(404);
    assertThat(call(HttpMethod.POST, "/rooms/" + first.bodyAsJsonObject().getString("id") + "/leave", b, null)
        .statusCode()).as("a direct room cannot be left").isEqualTo(409);
  }

  @Test
  void publicRoomsJoinLeaveAndRoles() {
    User owner = register();
    User joiner = register();
    User other = register();
    String name = "lobby-" + UUID.randomUUID();
    String roomId = createRoom(owner, name, "public");
    List<JsonObject> userEvents = listenUser(joiner.id());

    JsonArray directory = call(HttpMethod.GET, "/rooms/public?q=" + name.substring(0, 10), joiner, null)
        .bodyAsJsonObject().getJsonArray("rooms");
    assertThat(directory.stream().map(r -> ((JsonObject) r).getString("id"))).contains(roomId);
    assertThat(call(HttpMethod.GET, "/rooms/" + roomId, joiner, null).statusCode()).as("public: anyone sees it")
        .isEqualTo(200);
    assertThat(call(HttpMethod.GET, "/rooms/" + roomId + "/messages", joiner, null).statusCode())
        .as("but reading needs membership").isEqualTo(403);

    assertThat(call(HttpMethod.POST, "/rooms/" + roomId + "/join", joiner, null).statusCode()).isEqualTo(200);
    awaitEvents(userEvents, 1);
    assertThat(userEvents.get(0)).isEqualTo(new JsonObject().put("room", roomId).put("userId", joiner.id())
        .put("type", RoomEvent.MEMBER_JOINED));
    send(joiner, roomId, "j1", "hi all");

    // Members may not manage; the owner makes the joiner admin, who can then add and kick plain members.
    assertThat(call(HttpMethod.POST, "/rooms/" + roomId + "/members", joiner,
        new JsonObject().put("userId", other.id())).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.PATCH, "/rooms/" + roomId + "/members/" + joiner.id(), owner,
        new JsonObject().put("role", "admin")).bodyAsJsonObject().getString("role")).isEqualTo("admin");
    assertThat(addMember(joiner, roomId, other, "member").statusCode()).isEqualTo(201);
    assertThat(addMember(joiner, roomId, other, "member").statusCode()).isEqualTo(409);
    assertThat(call(HttpMethod.DELETE, "/rooms/" + roomId + "/members/" + owner.id(), joiner, null).statusCode())
        .as("an admin cannot kick the owner").isEqualTo(403);
    assertThat(call(HttpMethod.DELETE, "/rooms/" + roomId + "/members/" + other.id(), joiner, null).statusCode())
        .isEqualTo(204);
    assertThat(call(HttpMethod.POST, "/rooms/" + roomId + "/messages", other, message("k", "still here?"))
        .statusCode()).as("kicked").isEqualTo(403);

    JsonArray members = call(HttpMethod.GET, "/rooms/" + roomId + "/members", owner, null).bodyAsJsonObject()
        .getJsonArray("members");
    assertThat(members.stream().map(m -> ((JsonObject) m).getString("role"))).containsExactly("owner", "admin");
    assertThat(call(HttpMethod.POST, "/rooms/" + roomId + "/leave", owner, null).statusCode())
        .as("the owner must hand over first").isEqualTo(409);
    assertThat(call(HttpMethod.POST, "/rooms/" + roomId + "/leave", joiner, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, "/rooms", joiner, null).bodyAsJsonObject().getJsonArray("rooms").stream()
        .map(r -> ((JsonObject) r).getString("id"))).doesNotContain(roomId);
  }

  @Test
  void renameAndDeleteByRole() {
    User owner = register();
    User member = register();
    String roomId = createRoom(owner, "old name", "private");
    addMember(owner, roomId, member, "member");

    assertThat(call(HttpMethod.PATCH, "/rooms/" + roomId, member, new JsonObject().put("name", "mine")).statusCode())
        .isEqualTo(403);
    HttpResponse<Buffer> renamed = call(HttpMethod.PATCH, "/rooms/" + roomId, owner,
        new JsonObject().put("name", "new name").put("visibility", "public"));
    assertThat(renamed.bodyAsJsonObject().getString("name")).isEqualTo("new name");
    assertThat(renamed.bodyAsJsonObject().getString("visibility")).isEqualTo("public");
    assertThat(call(HttpMethod.DELETE, "/rooms/" + roomId, member, null).statusCode()).isEqualTo(403);
    assertThat(call(HttpMethod.DELETE, "/rooms/" + roomId, owner, null).statusCode()).isEqualTo(204);
    assertThat(call(HttpMethod.GET, "/rooms/" + roomId, owner, null).statusCode()).isEqualTo(404);
  }

  @Test
  void badInputNamesTheFieldAndNeverLeaksInternals() {
    User owner = register();
    String roomId = createRoom(owner, "inputs", "private");

    assertError(call(HttpMethod.POST, "/rooms", owner, new JsonObject()), 400, "bad_request", "name");
    assertError(call(HttpMethod.POST, "/rooms", owner, new JsonObject().put("name", "x".repeat(101))), 400,
        "bad_request", "name");
    assertError(call(HttpMethod.POST, "/rooms", owner, new JsonObject().put("name", "v").put("visibility", "secret")),
        400, "bad_request", "visibility");
    assertError(call(HttpMethod.POST, "/rooms/" + roomId + "/messages", owner, message("t", "x".repeat(4001))), 413,
        "too_large", "text");
    assertError(call(HttpMethod.POST, "/rooms/" + roomId + "/messages", owner, message("t", " ")), 400,
        "bad_request", "text");
    assertError(call(HttpMethod.POST, "/rooms/" + roomId + "/messages", owner, new JsonObject().put("text", "no id")),
        400, "bad_request", "clientMsgId");
    assertError(call(HttpMethod.POST, "/rooms/" + roomId + "/messages", owner,
        new JsonObject().put("text", 42).put("clientMsgId", "n")), 400, "bad_request", "text");
    assertError(call(HttpMethod.POST, "/rooms/" + roomId + "/messages", owner,
        message("r", "a reply to nothing").put("replyTo", 7)), 400, "bad_request", "replyTo");
    send(owner, roomId, "first", "first");
    assertThat(call(HttpMethod.POST, "/rooms/" + roomId + "/messages", owner, message("r2", "a reply").put("replyTo", 1))
        .bodyAsJsonObject().getLong("replyTo")).isEqualTo(1L);
    HttpResponse<Buffer> malformed = Await.result(web.post(port, "127.0.0.1", "/api/v1/rooms")
        .putHeader("Authorization", "Bearer " + owner.token()).sendBuffer(Buffer.buffer("{\"name\": ")));
    assertError(malformed, 400, "bad_request", null);
    HttpResponse<Buffer> huge = Await.result(web.post(port, "127.0.0.1", "/api/v1/rooms/" + roomId + "/messages")
        .putHeader("Authorization", "Bearer " + owner.token())
        .sendBuffer(Buffer.buffer("{\"text\": \"" + "x".repeat(70_000) + "\", \"clientMsgId\": \"big\"}")));
    assertError(huge, 413, "too_large", null);
    assertThat(call(HttpMethod.GET, "/rooms", null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void membershipLookupsSurviveARedisFlush() {
    User owner = register();
    User member = register();
    String roomId = createRoom(owner, "cached", "private");
    addMember(owner, roomId, member, "member");
    assertThat(membership(roomId, member.id()).getBoolean("member")).isTrue();
    assertThat(userRooms(member.id())).contains(roomId);

    flushOurRedisKeys();
    assertThat(membership(roomId, member.id()).getBoolean("member")).isTrue();

    assertThat(call(HttpMethod.DELETE, "/rooms/" + roomId + "/members/" + member.id(), owner, null).statusCode())
        .isEqualTo(204);
    assertThat(membership(roomId, member.id()).getBoolean("member")).as("invalidated on change").isFalse();
    assertThat(userRooms(member.id())).doesNotContain(roomId);
    flushOurRedisKeys();
    assertThat(membership(roomId, member.id()).getBoolean("member")).isFalse();
    assertThat(membership(roomId, owner.id()).getString("role")).isEqualTo("owner");
  }

  // --- helpers ------------------------------------------------------------------------------------------

  private static User register() {
    String username = "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    JsonObject session = Await.result(web.post(port, "127.0.0.1", "/api/v1/auth/register")
        .sendJsonObject(new JsonObject().put("username", username).put("password", "correct horse battery")))
        .bodyAsJsonObject();
    return new User(session.getJsonObject("user").getString("id"), session.getString("accessToken"));
  }

  private static String createRoom(User owner, String name, String visibility) {
    HttpResponse<Buffer> created = call(HttpMethod.POST, "/rooms", owner,
        new JsonObject().put("name", name).put("visibility", visibility));
    assertThat(created.statusCode()).isEqualTo(201);
    return created.bodyAsJsonObject().getString("id");
  }

  private static HttpResponse<Buffer> addMember(User by, String roomId, User member, String role) {
    return call(HttpMethod.POST, "/rooms/" + roomId + "/members", by,
        new JsonObject().put("userId", member.id()).put("role", role));
  }

  private static JsonObject send(User sender, String roomId, String clientMsgId, String text) {
    HttpResponse<Buffer> sent = call(HttpMethod.POST, "/rooms/" + roomId + "/messages", sender,
        message(clientMsgId, text));
    assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(201);
    return sent.bodyAsJsonObject();
  }

  private static JsonObject message(String clientMsgId, String text) {
    return new JsonObject().put("clientMsgId", clientMsgId).put("text", text);
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, User user, JsonObject body) {
    HttpRequest<Buffer> request = web.request(method, port, "127.0.0.1", "/api/v1" + path);
    if (user != null) {
      request.putHeader("Authorization", "Bearer " + user.token());
    }
    return Await.result(body == null ? request.send() : request.sendJsonObject(body));
  }

  private static JsonObject only(JsonObject listing, String roomId) {
    return listing.getJsonArray("rooms").stream().map(JsonObject.class::cast)
        .filter(room -> room.getString("id").equals(roomId)).findFirst().orElseThrow();
  }

  private static void assertError(HttpResponse<Buffer> response, int status, String code, String field) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    JsonObject error = response.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("field")).isEqualTo(field);
    assertThat(response.bodyAsString()).doesNotContain("Exception", "SELECT", "INSERT", "dev.parley", "\tat ");
  }

  /** Collects the frames published on an address of the node's (clustered) event bus. */
  private static List<JsonObject> listen(String address) {
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    MessageConsumer<RoomEvent> consumer = node.vertx().eventBus().consumer(address,
        event -> frames.add(new JsonObject(event.body().frame())));
    Await.result(consumer.completion());
    return frames;
  }

  /** Collects the frames of user events for one user. */
  private static List<JsonObject> listenUser(String userId) {
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    MessageConsumer<dev.parley.contract.UserEvent> consumer = node.vertx().eventBus().consumer(Addresses.USER_EVENTS,
        event -> {
          if (event.body().userId().equals(userId)) {
            frames.add(new JsonObject(event.body().frame()));
          }
        });
    Await.result(consumer.completion());
    return frames;
  }

  private static void awaitEvents(List<JsonObject> events, int count) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (events.size() < count && System.currentTimeMillis() < deadline) {
      Await.result(client.timer(10));
    }
    assertThat(events).hasSizeGreaterThanOrEqualTo(count);
  }

  private static JsonObject membership(String roomId, String userId) {
    return Await.result(node.vertx().eventBus().<JsonObject>request(Addresses.ROOMS,
        new JsonObject().put("roomId", roomId).put("userId", userId),
        new DeliveryOptions().addHeader(Addresses.ACTION, RoomActions.MEMBERSHIP))).body();
  }

  private static List<Object> userRooms(String userId) {
    return Await.result(node.vertx().eventBus().<JsonObject>request(Addresses.ROOMS,
        new JsonObject().put("userId", userId),
        new DeliveryOptions().addHeader(Addresses.ACTION, RoomActions.USER_ROOMS))).body()
        .getJsonArray("roomIds").getList();
  }

  private static void flushOurRedisKeys() {
    Redis redis = Redis.createClient(client, TestConfig.config(ENV).getJsonObject("redis").getString("url"));
    RedisAPI api = RedisAPI.api(redis);
    try {
      String prefix = ENV.get("PARLEY_REDIS_KEYPREFIX");
      List<String> keys = Await.result(api.keys(prefix + "*")).stream().map(Object::toString).toList();
      if (!keys.isEmpty()) {
        Await.result(api.del(keys));
      }
    } finally {
      redis.close();
    }
  }
}
