package dev.parley.node;

import static dev.parley.node.ApiClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import dev.parley.common.testing.TestSocket;
import dev.parley.node.ApiClient.User;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Moderation and administration (issue 14) on two full nodes sharing one database: bans (also racing sends),
 * blocks, slow mode with senders on both nodes, reports, the administrators' endpoints, deactivation closing
 * sockets on the other node, and the audit.
 */
class ModerationApiTest {

  private static final Map<String, String> ENV = TestConfig.environment();
  private static final Map<String, String> SECOND_ENV = new HashMap<>(ENV);
  private static final String ADMIN_NAME = "mod" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private static Node first;
  private static Node second;
  private static Vertx client;
  private static ApiClient api;
  private static ApiClient api2;
  private static WebSocketClient sockets;
  private static User admin;

  @BeforeAll
  static void start() {
    ENV.put("PARLEY_ADMIN_USERNAMES", "[\"someone-else\", \"" + ADMIN_NAME.toUpperCase() + "\"]");
    SECOND_ENV.putAll(ENV);
    SECOND_ENV.put("PARLEY_MANAGEMENT_PORT", String.valueOf(TestConfig.freePort()));
    SECOND_ENV.put("PARLEY_HTTP_PORT", String.valueOf(TestConfig.freePort()));
    SECOND_ENV.put("PARLEY_SOCKET_PORT", String.valueOf(TestConfig.freePort()));
    ApiClient.pinCluster(ENV, SECOND_ENV);
    String deploy = """
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}, {"verticle": "socket"}]""";
    first = TestNodes.start(deploy, ENV);
    second = TestNodes.start(deploy, SECOND_ENV);
    client = Vertx.vertx();
    api = new ApiClient(client, Integer.parseInt(ENV.get("PARLEY_HTTP_PORT")));
    api2 = new ApiClient(client, Integer.parseInt(SECOND_ENV.get("PARLEY_HTTP_PORT")));
    sockets = TestSocket.client(client);
    admin = api.register(ADMIN_NAME);
  }

  @AfterAll
  static void stop() {
    Await.result(second.stop());
    Await.result(first.stop());
    Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
    Await.result(client.close());
  }

  // --- bans ----------------------------------------------------------------------------------------------

  @Test
  void aBanRemovesTheMemberAndRefusesJoinAddAndSend() {
    User owner = api.register();
    User member = api.register();
    String room = api.room(owner, "public", member);
    TestSocket watching = TestSocket.ready(sockets, port(SECOND_ENV, "PARLEY_SOCKET_PORT"), member.token());

    HttpResponse<Buffer> banned = api.call(HttpMethod.POST, "/rooms/" + room + "/bans", owner,
        new JsonObject().put("userId", member.id()).put("reason", "spam"));
    assertThat(banned.statusCode()).as(banned.bodyAsString()).isEqualTo(201);
    assertThat(banned.bodyAsJsonObject().getString("userId")).isEqualTo(member.id());
    assertThat(banned.bodyAsJsonObject().getString("reason")).isEqualTo("spam");

    JsonObject left = watching.next(frame -> "member.left".equals(frame.getString("type")), Duration.ofSeconds(1));
    assertThat(left.getString("userId")).isEqualTo(member.id());
    api.send(owner, room, "after the ban");
    assertThat(watching.quietFor("message", Duration.ofMillis(500))).as("the banned user's stream is closed").isTrue();
    watching.close();

    assertError(api.call(HttpMethod.POST, "/rooms/" + room + "/join", member, null), 403, "forbidden", null);
    assertError(api2.call(HttpMethod.POST, "/rooms/" + room + "/members", owner,
        new JsonObject().put("userId", member.id())), 403, "forbidden", null);
    assertError(sendRaw(api2, member, room, "let me back"), 403, "forbidden", null);
    assertThat(api.get("/rooms/" + room + "/members", owner).bodyAsJsonObject().getJsonArray("members")
        .stream().map(m -> ((JsonObject) m).getString("userId")).toList()).doesNotContain(member.id());

    JsonArray bans = api.get("/rooms/" + room + "/bans", owner).bodyAsJsonObject().getJsonArray("bans");
    assertThat(bans).hasSize(1);
    assertThat(bans.getJsonObject(0).getString("username")).isEqualTo(member.username());
    assertError(api.get("/rooms/" + room + "/bans", member), 403, "forbidden", null);

    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/bans/" + member.id(), owner, null).statusCode())
        .isEqualTo(204);
    assertThat(api.call(HttpMethod.POST, "/rooms/" + room + "/join", member, null).statusCode()).isEqualTo(200);
    assertError(api.call(HttpMethod.DELETE, "/rooms/" + room + "/bans/" + member.id(), owner, null), 404,
        "not_found", null);
  }

  @Test
  void aBannedUserOfAPrivateRoomIsToldForbiddenWhenSending() {
    User owner = api.register();
    User member = api.register();
    String room = api.room(owner, "private", member);
    assertThat(ban(owner, room, member).statusCode()).isEqualTo(201);
    assertError(sendRaw(api, member, room, "hello?"), 403, "forbidden", null);
  }

  @Test
  void anAdminCannotBanAnAdminOrTheOwnerButTheOwnerCanBanAnAdmin() {
    User owner = api.register();
    User admin1 = api.register();
    User admin2 = api.register();
    String room = api.room(owner, "private", admin1, admin2);
    for (User promoted : List.of(admin1, admin2)) {
      assertThat(api.call(HttpMethod.PATCH, "/rooms/" + room + "/members/" + promoted.id(), owner,
          new JsonObject().put("role", "admin")).statusCode()).isEqualTo(200);
    }
    assertError(ban(admin1, room, admin2), 403, "forbidden", null);
    assertError(ban(admin1, room, owner), 403, "forbidden", null);
    assertThat(ban(owner, room, admin2).statusCode()).isEqualTo(201);
  }

  @Test
  void aBanRacingSendsLeavesNoMessageOfTheBannedUserAfterIt() {
    User owner = api.register();
    User member = api.register();
    String room = api.room(owner, "public", member);
    List<Future<HttpResponse<Buffer>>> sends = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      sends.add(request(i % 2 == 0 ? api : api2, HttpMethod.POST, "/rooms/" + room + "/messages", member)
          .sendJsonObject(new JsonObject().put("clientMsgId", "race-" + i).put("text", "race " + i)));
      if (i == 20) {
        sends.add(request(api2, HttpMethod.POST, "/rooms/" + room + "/bans", owner)
            .sendJsonObject(new JsonObject().put("userId", member.id())));
      }
    }
    Await.result(Future.join(new ArrayList<>(sends)));
    int acknowledged = 0;
    for (Future<HttpResponse<Buffer>> send : sends.subList(0, sends.size())) {
      int status = send.result().statusCode();
      assertThat(status).as(send.result().bodyAsString()).isIn(201, 403);
      acknowledged += status == 201 && send.result().bodyAsJsonObject().containsKey("seq") ? 1 : 0;
    }
    JsonObject banEntry = auditEntries().stream().map(JsonObject.class::cast)
        .filter(entry -> "ban".equals(entry.getString("action")) && room.equals(entry.getString("roomId")))
        .findFirst().orElseThrow();
    long bannedAfter = banEntry.getLong("seq");
    JsonArray history = api.get("/rooms/" + room + "/messages?limit=200", owner).bodyAsJsonObject()
        .getJsonArray("messages");
    List<Long> memberSeqs = history.stream().map(JsonObject.class::cast)
        .filter(message -> member.id().equals(message.getString("senderId"))).map(m -> m.getLong("seq")).toList();
    assertThat(memberSeqs).as("every acknowledged send is stored").hasSize(acknowledged);
    assertThat(memberSeqs).as("no seq of the banned user after the ban committed at seq %d", bannedAfter)
        .allMatch(seq -> seq <= bannedAfter);
    assertError(sendRaw(api, member, room, "too late"), 403, "forbidden", null);
  }

  // --- blocks ----------------------------------------------------------------------------------------------

  @Test
  void aBlockedUserCannotOpenADirectRoomWithTheBlockerNorAddThem() {
    User blocker = api.register();
    User blocked = api.register();
    assertThat(api.call(HttpMethod.PUT, "/users/me/blocks/" + blocked.id(), blocker, null).statusCode())
        .isEqualTo(204);
    assertThat(api.call(HttpMethod.PUT, "/users/me/blocks/" + blocked.id(), blocker, null).statusCode())
        .as("blocking twice is blocking once").isEqualTo(204);
    assertThat(api.get("/users/me/blocks", blocker).bodyAsJsonObject().getJsonArray("blocks")
        .getJsonObject(0).getString("userId")).isEqualTo(blocked.id());

    assertError(api2.call(HttpMethod.POST, "/rooms/direct", blocked, new JsonObject().put("userId", blocker.id())),
        403, "forbidden", "userId");
    String room = api.room(blocked, "private");
    assertError(api.call(HttpMethod.POST, "/rooms/" + room + "/members", blocked,
        new JsonObject().put("userId", blocker.id())), 403, "forbidden", "userId");
    assertThat(api.direct(blocker, blocked)).as("the blocker may still open one").isNotBlank();

    assertThat(api.call(HttpMethod.DELETE, "/users/me/blocks/" + blocked.id(), blocker, null).statusCode())
        .isEqualTo(204);
    assertThat(api.call(HttpMethod.POST, "/rooms/" + room + "/members", blocked,
        new JsonObject().put("userId", blocker.id())).statusCode()).isEqualTo(201);
  }

  @Test
  void theBlockerIsNotShownOnlineToTheBlockedUser() {
    User blocker = api.register();
    User blocked = api.register();
    User friend = api.register();
    api.room(blocker, "private", blocked, friend);
    assertThat(api.call(HttpMethod.PUT, "/users/me/blocks/" + blocked.id(), blocker, null).statusCode())
        .isEqualTo(204);
    TestSocket blockedSocket = TestSocket.ready(sockets, port(SECOND_ENV, "PARLEY_SOCKET_PORT"), blocked.token());
    TestSocket friendSocket = TestSocket.ready(sockets, port(ENV, "PARLEY_SOCKET_PORT"), friend.token());

    TestSocket blockerSocket = TestSocket.ready(sockets, port(ENV, "PARLEY_SOCKET_PORT"), blocker.token());

    JsonObject seen = friendSocket.next(frame -> "presence".equals(frame.getString("type"))
        && blocker.id().equals(frame.getString("userId")), Duration.ofSeconds(5));
    assertThat(seen.getString("status")).isEqualTo("online");
    assertThat(quiet(blockedSocket, frame -> "presence".equals(frame.getString("type"))
        && blocker.id().equals(frame.getString("userId")), Duration.ofMillis(700)))
        .as("the blocked user does not see the blocker come online").isTrue();
    blockerSocket.close();
    blockedSocket.close();
    friendSocket.close();
  }

  // --- slow mode -------------------------------------------------------------------------------------------

  @Test
  void slowModeLetsExactlyOneOfConcurrentSendsOnTwoNodesThrough() {
    User owner = api.register();
    User member = api.register();
    String room = api.room(owner, "private", member);
    assertError(api.call(HttpMethod.PATCH, "/rooms/" + room, member, new JsonObject().put("slowModeSeconds", 30)),
        403, "forbidden", null);
    assertError(api.call(HttpMethod.PATCH, "/rooms/" + room, owner, new JsonObject().put("slowModeSeconds", 3601)),
        400, "bad_request", "slowModeSeconds");
    HttpResponse<Buffer> patched = api.call(HttpMethod.PATCH, "/rooms/" + room, owner,
        new JsonObject().put("slowModeSeconds", 30));
    assertThat(patched.bodyAsJsonObject().getInteger("slowModeSeconds")).isEqualTo(30);

    List<Future<HttpResponse<Buffer>>> sends = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sends.add(request(i % 2 == 0 ? api : api2, HttpMethod.POST, "/rooms/" + room + "/messages", member)
          .sendJsonObject(new JsonObject().put("clientMsgId", "slow-" + i).put("text", "slow " + i)));
    }
    Await.result(Future.join(new ArrayList<>(sends)));
    List<Integer> statuses = sends.stream().map(send -> send.result().statusCode()).toList();
    assertThat(statuses.stream().filter(status -> status == 201).count()).as(statuses.toString()).isEqualTo(1);
    assertThat(statuses.stream().filter(status -> status == 429).count()).isEqualTo(9);
    HttpResponse<Buffer> refused = sends.stream().map(Future::result).filter(r -> r.statusCode() == 429)
        .findFirst().orElseThrow();
    assertError(refused, 429, "rate_limited", null);
    assertThat(Integer.parseInt(refused.getHeader("Retry-After"))).isBetween(1, 30);

    assertThat(sendRaw(api2, owner, room, "the owner is exempt").statusCode()).isEqualTo(201);
    assertThat(sendRaw(api, owner, room, "still exempt").statusCode()).isEqualTo(201);
    HttpResponse<Buffer> again = sendRaw(api, member, room, "the retry of an acknowledged send");
    assertError(again, 429, "rate_limited", null);
    JsonObject firstOk = sends.stream().map(Future::result).filter(r -> r.statusCode() == 201).findFirst()
        .orElseThrow().bodyAsJsonObject();
    HttpResponse<Buffer> retried = api.call(HttpMethod.POST, "/rooms/" + room + "/messages", member, new JsonObject()
        .put("clientMsgId", firstOk.getString("clientMsgId")).put("text", firstOk.getString("text")));
    assertThat(retried.statusCode()).as("an idempotent retry answers the stored message").isEqualTo(200);

    assertThat(api.call(HttpMethod.PATCH, "/rooms/" + room, owner, new JsonObject().put("slowModeSeconds", 0))
        .statusCode()).isEqualTo(200);
    assertThat(sendRaw(api2, member, room, "slow mode off").statusCode()).isEqualTo(201);
  }

  // --- reports and administrators ---------------------------------------------------------------------------

  @Test
  void membersReportMessagesAndAdministratorsSeeThemAndTombstoneTheMessage() {
    User owner = api.register();
    User member = api.register();
    User outsider = api.register();
    String room = api.room(owner, "private", member);
    JsonObject message = api.send(owner, room, "something awful");
    long seq = message.getLong("seq");

    assertError(api.call(HttpMethod.POST, "/reports", outsider, report(room, seq, "no")), 404, "not_found", null);
    assertError(api.call(HttpMethod.POST, "/reports", member, report(room, seq, "")), 400, "bad_request", "reason");
    HttpResponse<Buffer> reported = api.call(HttpMethod.POST, "/reports", member, report(room, seq, "abuse"));
    assertThat(reported.statusCode()).as(reported.bodyAsString()).isEqualTo(201);
    assertError(api.call(HttpMethod.POST, "/reports", member, report(room, seq, "abuse")), 409, "conflict", null);

    JsonObject listed = api2.get("/admin/reports", admin).bodyAsJsonObject().getJsonArray("reports").stream()
        .map(JsonObject.class::cast).filter(r -> room.equals(r.getString("roomId"))).findFirst().orElseThrow();
    assertThat(listed.getString("reason")).isEqualTo("abuse");
    assertThat(listed.getString("reporterUsername")).isEqualTo(member.username());
    assertThat(listed.getJsonObject("message").getString("text")).isEqualTo("something awful");

    assertThat(api.call(HttpMethod.DELETE, "/admin/rooms/" + room + "/messages/" + seq, admin, null).statusCode())
        .isEqualTo(204);
    JsonObject tombstone = api.get("/rooms/" + room + "/messages", owner).bodyAsJsonObject()
        .getJsonArray("messages").getJsonObject(0);
    assertThat(tombstone.getBoolean("deleted")).isTrue();
    assertThat(auditEntries().stream().map(JsonObject.class::cast).anyMatch(entry ->
        "delete_message".equals(entry.getString("action")) && room.equals(entry.getString("roomId"))
            && admin.id().equals(entry.getString("actorId")) && entry.getLong("seq") == seq)).isTrue();
  }

  @Test
  void everyAdminEndpointRefusesOthers() {
    User user = api.register();
    String room = api.room(user, "private");
    JsonObject sent = api.send(user, room, "mine");
    List<Object[]> endpoints = List.of(
        new Object[] {HttpMethod.GET, "/admin/users?q=u"},
        new Object[] {HttpMethod.POST, "/admin/users/" + user.id() + "/deactivate"},
        new Object[] {HttpMethod.POST, "/admin/users/" + user.id() + "/reactivate"},
        new Object[] {HttpMethod.GET, "/admin/reports"},
        new Object[] {HttpMethod.DELETE, "/admin/rooms/" + room + "/messages/" + sent.getLong("seq")},
        new Object[] {HttpMethod.GET, "/admin/stats"},
        new Object[] {HttpMethod.GET, "/admin/audit"});
    for (Object[] endpoint : endpoints) {
      assertError(api.call((HttpMethod) endpoint[0], (String) endpoint[1], user, null), 403, "forbidden", null);
      assertThat(api.call((HttpMethod) endpoint[0], (String) endpoint[1], null, null).statusCode())
          .as("%s without a token", endpoint[1]).isEqualTo(401);
    }
    assertThat(api.get("/rooms/" + room + "/messages", user).bodyAsJsonObject().getJsonArray("messages")
        .getJsonObject(0).getString("text")).as("nothing was done").isEqualTo("mine");
    JsonObject stats = api.get("/admin/stats", admin).bodyAsJsonObject();
    assertThat(stats.getLong("users")).isGreaterThanOrEqualTo(2);
    assertThat(stats.getLong("messages")).isGreaterThanOrEqualTo(1);
    JsonObject listed = api.get("/admin/users?q=" + user.username(), admin).bodyAsJsonObject()
        .getJsonArray("users").getJsonObject(0);
    assertThat(listed.getString("id")).isEqualTo(user.id());
    assertThat(listed.getBoolean("deactivated")).isFalse();
    assertThat(listed.getBoolean("admin")).isFalse();
  }

  @Test
  void deactivationClosesSocketsOnTheOtherNodeWithinASecondAndRefusesLoginUntilReactivated() {
    User user = api.register();
    String room = api.room(user, "private");
    api.send(user, room, "kept");
    HttpResponse<Buffer> login = login(user);
    assertThat(login.statusCode()).isEqualTo(200);
    String refreshToken = login.bodyAsJsonObject().getString("refreshToken");
    TestSocket elsewhere = TestSocket.ready(sockets, port(SECOND_ENV, "PARLEY_SOCKET_PORT"), user.token());
    TestSocket here = TestSocket.ready(sockets, port(ENV, "PARLEY_SOCKET_PORT"), user.token());

    long started = System.nanoTime();
    HttpResponse<Buffer> deactivated = api.call(HttpMethod.POST, "/admin/users/" + user.id() + "/deactivate", admin,
        new JsonObject().put("reason", "abuse"));
    assertThat(deactivated.statusCode()).as(deactivated.bodyAsString()).isEqualTo(204);
    assertThat(elsewhere.awaitClose(Duration.ofSeconds(1))).isEqualTo((short) 4401);
    assertThat(here.awaitClose(Duration.ofSeconds(1))).isEqualTo((short) 4401);
    long closedMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(closedMs).isLessThan(1000);

    assertError(api2.get("/users/me", user), 401, "unauthorized", null);
    assertError(login(user), 403, "forbidden", null);
    assertError(Await.result(api.web.post(api.port, "127.0.0.1", "/api/v1/auth/refresh")
        .sendJsonObject(new JsonObject().put("refreshToken", refreshToken))), 401, "unauthorized", null);
    JsonObject listed = api.get("/admin/users?q=" + user.username(), admin).bodyAsJsonObject()
        .getJsonArray("users").getJsonObject(0);
    assertThat(listed.getBoolean("deactivated")).isTrue();

    assertThat(api.call(HttpMethod.POST, "/admin/users/" + user.id() + "/reactivate", admin, null).statusCode())
        .isEqualTo(204);
    HttpResponse<Buffer> back = login(user);
    assertThat(back.statusCode()).isEqualTo(200);
    User again = new User(user.id(), user.username(), back.bodyAsJsonObject().getString("accessToken"));
    assertThat(api.get("/rooms/" + room + "/messages", again).bodyAsJsonObject().getJsonArray("messages")
        .getJsonObject(0).getString("text")).as("the messages were kept").isEqualTo("kept");

    List<String> actions = auditEntries().stream().map(JsonObject.class::cast)
        .filter(entry -> user.id().equals(entry.getString("userId"))).map(entry -> entry.getString("action")).toList();
    assertThat(actions).containsSubsequence("reactivate", "deactivate");
    JsonObject entry = auditEntries().stream().map(JsonObject.class::cast)
        .filter(e -> "deactivate".equals(e.getString("action")) && user.id().equals(e.getString("userId")))
        .findFirst().orElseThrow();
    assertThat(entry.getString("actorId")).isEqualTo(admin.id());
    assertThat(entry.getString("reason")).isEqualTo("abuse");
    assertThat(entry.getLong("at")).isPositive();
  }

  @Test
  void kicksSlowModeChangesAndBansAreAudited() {
    User owner = api.register();
    User kicked = api.register();
    User banned = api.register();
    String room = api.room(owner, "private", kicked, banned);
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/members/" + kicked.id(), owner, null).statusCode())
        .isEqualTo(204);
    assertThat(api.call(HttpMethod.PATCH, "/rooms/" + room, owner, new JsonObject().put("slowModeSeconds", 5))
        .statusCode()).isEqualTo(200);
    assertThat(ban(owner, room, banned).statusCode()).isEqualTo(201);
    assertThat(api.call(HttpMethod.DELETE, "/rooms/" + room + "/bans/" + banned.id(), owner, null).statusCode())
        .isEqualTo(204);
    List<JsonObject> entries = auditEntries().stream().map(JsonObject.class::cast)
        .filter(entry -> room.equals(entry.getString("roomId"))).toList();
    assertThat(entries.stream().map(entry -> entry.getString("action")).toList())
        .containsSubsequence("unban", "ban", "slow_mode", "kick");
    assertThat(entries).allMatch(entry -> owner.id().equals(entry.getString("actorId")));
    assertThat(entries.stream().filter(e -> "kick".equals(e.getString("action"))).findFirst().orElseThrow()
        .getString("userId")).isEqualTo(kicked.id());
  }

  // --- helpers ---------------------------------------------------------------------------------------------

  private static boolean quiet(TestSocket socket, java.util.function.Predicate<JsonObject> wanted, Duration window) {
    try {
      socket.next(wanted, window);
      return false;
    } catch (AssertionError none) {
      return true;
    }
  }

  private static JsonArray auditEntries() {
    HttpResponse<Buffer> audit = api.get("/admin/audit?limit=200", admin);
    assertThat(audit.statusCode()).as(audit.bodyAsString()).isEqualTo(200);
    return audit.bodyAsJsonObject().getJsonArray("entries");
  }

  private static HttpResponse<Buffer> ban(User by, String room, User target) {
    return api.call(HttpMethod.POST, "/rooms/" + room + "/bans", by, new JsonObject().put("userId", target.id()));
  }

  private static HttpResponse<Buffer> sendRaw(ApiClient on, User sender, String room, String text) {
    return on.call(HttpMethod.POST, "/rooms/" + room + "/messages", sender,
        new JsonObject().put("clientMsgId", UUID.randomUUID().toString()).put("text", text));
  }

  private static HttpRequest<Buffer> request(ApiClient on, HttpMethod method, String path, User user) {
    return on.web.request(method, on.port, "127.0.0.1", "/api/v1" + path)
        .putHeader("Authorization", "Bearer " + user.token());
  }

  private static HttpResponse<Buffer> login(User user) {
    return Await.result(api.web.post(api.port, "127.0.0.1", "/api/v1/auth/login")
        .sendJsonObject(new JsonObject().put("username", user.username()).put("password", "correct horse battery")));
  }

  private static JsonObject report(String room, long seq, String reason) {
    return new JsonObject().put("roomId", room).put("seq", seq).put("reason", reason);
  }

  private static int port(Map<String, String> env, String key) {
    return Integer.parseInt(env.get(key));
  }
}
