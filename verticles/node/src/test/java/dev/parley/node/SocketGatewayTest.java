package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestSocket;
import dev.parley.common.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
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
 * The WebSocket and SockJS-bridge contract through two real clustered nodes: a full node (persistence, rooms,
 * http, socket) and an edge node with only a socket verticle.
 */
class SocketGatewayTest {

  private static final Map<String, String> ENV = TestConfig.environment();
  private static Node core;
  private static Node edge;
  private static Vertx client;
  private static WebClient web;
  private static WebSocketClient sockets;
  private static int httpPort;
  private static int socketPort;
  private static int edgeSocketPort;

  record User(String id, String token, String refresh) {
  }

  @BeforeAll
  static void start() {
    ENV.put("PARLEY_SOCKET_AUTHTIMEOUTMS", "500");
    ENV.put("PARLEY_SOCKET_WRITEQUEUEMAXBYTES", "65536");
    ENV.put("PARLEY_SOCKET_MESSAGESPERSECOND", "50");
    ENV.put("PARLEY_SOCKET_MESSAGEBURST", "60");
    // Few session opens at once, so a handful of sockets already makes a queue.
    ENV.put("PARLEY_SOCKET_MAXCONCURRENTOPENS", "2");
    core = TestNodes.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}, {"verticle": "socket"}]""", ENV);
    Map<String, String> edgeEnv = new HashMap<>(ENV);
    edgeEnv.put("PARLEY_MANAGEMENT_PORT", String.valueOf(TestConfig.freePort()));
    edgeEnv.put("PARLEY_SOCKET_PORT", String.valueOf(TestConfig.freePort()));
    edge = TestNodes.start("[{\"verticle\": \"socket\"}]", edgeEnv);
    client = Vertx.vertx();
    web = WebClient.create(client);
    sockets = TestSocket.client(client);
    httpPort = Integer.parseInt(ENV.get("PARLEY_HTTP_PORT"));
    socketPort = Integer.parseInt(ENV.get("PARLEY_SOCKET_PORT"));
    edgeSocketPort = Integer.parseInt(edgeEnv.get("PARLEY_SOCKET_PORT"));
  }

  @AfterAll
  static void stop() {
    Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
    Await.result(edge.stop());
    Await.result(core.stop());
    Await.result(client.close());
  }

  @Test
  void socketsOnTwoNodesExchangeMessagesInOrder() {
    User alice = register();
    User bob = register();
    String room = room(alice, bob);
    TestSocket a = TestSocket.ready(sockets, socketPort, alice.token());
    TestSocket b = TestSocket.ready(sockets, edgeSocketPort, bob.token());

    for (int i = 1; i <= 20; i++) {
      a.send(new JsonObject().put("type", "send").put("id", "a" + i).put("room", room).put("text", "hello " + i));
    }
    List<JsonObject> acks = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      acks.add(a.next("ack"));
    }
    for (int i = 1; i <= 20; i++) {
      JsonObject ack = acks.get(i - 1);
      assertThat(ack.getString("id")).as(acks.toString()).isEqualTo("a" + i);
      assertThat(ack.getLong("seq")).as(acks.toString()).isEqualTo(i);
      assertThat(ack.getString("msgId")).isEqualTo(room + "-" + i);
    }
    for (int i = 1; i <= 20; i++) {
      JsonObject message = b.next("message");
      assertThat(message.getLong("seq")).isEqualTo(i);
      assertThat(message.getString("text")).isEqualTo("hello " + i);
      assertThat(message.getString("senderId")).isEqualTo(alice.id());
    }
    // The sender's own sockets get the message too (other devices), after the ack.
    assertThat(a.next("message").getLong("seq")).isEqualTo(1L);
    a.close();
    b.close();
  }

  @Test
  void resumeAfterADisconnectReplaysExactlyTheMissedMessages() {
    User alice = register();
    User bob = register();
    String room = room(alice, bob);
    TestSocket b = TestSocket.ready(sockets, edgeSocketPort, bob.token());
    for (int i = 1; i <= 3; i++) {
      sendRest(alice, room, "r" + i, "before " + i);
    }
    assertThat(b.next("message").getLong("seq")).isEqualTo(1L);
    assertThat(b.next("message").getLong("seq")).isEqualTo(2L);
    assertThat(b.next("message").getLong("seq")).isEqualTo(3L);
    b.socket.close();
    b.awaitClose(Duration.ofSeconds(5));
    for (int i = 4; i <= 8; i++) {
      sendRest(alice, room, "r" + i, "missed " + i);
    }

    TestSocket again = TestSocket.ready(sockets, socketPort, bob.token());
    again.send(new JsonObject().put("type", "resume").put("positions", new JsonObject().put(room, 3)));
    List<Long> replayed = new ArrayList<>();
    for (int i = 4; i <= 8; i++) {
      replayed.add(again.next("message").getLong("seq"));
    }
    JsonObject resumed = again.next("resumed");
    assertThat(replayed).containsExactly(4L, 5L, 6L, 7L, 8L);
    assertThat(resumed.getJsonObject("rooms").getJsonObject(room))
        .isEqualTo(new JsonObject().put("recovered", true).put("lastSeq", 8));
    sendRest(alice, room, "r9", "live");
    assertThat(again.next("message").getLong("seq")).isEqualTo(9L);
    assertThat(again.drain().stream().filter(f -> "message".equals(f.getString("type")))).isEmpty();
    again.close();
  }

  @Test
  void aBurstOfReconnectsQueuesAndEachResumesWithoutReplayingWhatItHas() {
    User alice = register();
    User[] members = new User[12];
    for (int i = 0; i < members.length; i++) {
      members[i] = register();
    }
    String room = room(alice, members);
    sendRest(alice, room, "burst-1", "before");
    // Upgrades first, then wait: the twelve opens run against the limit of two at once and queue.
    List<TestSocket> burst = new ArrayList<>();
    for (User member : members) {
      burst.add(TestSocket.connect(sockets, socketPort, "/ws", member.token()));
    }
    for (TestSocket socket : burst) {
      socket.next("ready");
      socket.send(new JsonObject().put("type", "resume").put("positions", new JsonObject().put(room, 1)));
    }
    for (TestSocket socket : burst) {
      assertThat(socket.next("resumed").getJsonObject("rooms").getJsonObject(room))
          .isEqualTo(new JsonObject().put("recovered", true).put("lastSeq", 1));
    }
    // Multi-byte text reaches every socket of the room intact, once, in order.
    sendRest(alice, room, "burst-2", "안녕하세요 👋 after");
    for (TestSocket socket : burst) {
      JsonObject message = socket.next("message");
      assertThat(message.getLong("seq")).isEqualTo(2L);
      assertThat(message.getString("text")).isEqualTo("안녕하세요 👋 after");
    }
    burst.forEach(TestSocket::close);
  }

  @Test
  void badTokensAndMissingAuthCloseWith4401() {
    assertThat(TestSocket.connect(sockets, socketPort, "/ws", null).awaitClose(Duration.ofSeconds(5)))
        .as("no auth frame in time").isEqualTo((short) 4401);
    assertThat(TestSocket.connect(sockets, socketPort, "/ws", "not.a.token").awaitClose(Duration.ofSeconds(5)))
        .isEqualTo((short) 4401);
    TestSocket late = TestSocket.connect(sockets, socketPort, "/ws", null);
    late.send(new JsonObject().put("type", "auth").put("token", register().token()));
    assertThat(late.next("ready").getString("heartbeatMs")).isNotNull();
    late.close();
    User user = register();
    TestSocket viaQuery = TestSocket.connect(sockets, socketPort, "/ws?token=" + user.token(), null);
    assertThat(viaQuery.next("ready").getString("userId")).isEqualTo(user.id());
    viaQuery.close();
  }

  @Test
  void upgradesFromOriginsOffTheAllowListAreRefused() {
    Throwable refused = Await.failure(sockets.connect(new io.vertx.core.http.WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(socketPort).setURI("/ws").addHeader("Origin", "https://evil.example")
        .addHeader("Authorization", "Bearer " + register().token())));
    assertThat(refused).hasMessageContaining("403");
    Throwable bridgeRefused = Await.failure(sockets.connect(new io.vertx.core.http.WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(socketPort).setURI("/eventbus/websocket").addHeader("Origin", "https://evil.example")));
    assertThat(bridgeRefused).hasMessageContaining("403");
  }

  @Test
  void invalidFramesGetErrorFramesAndOversizedOnesClose4413() {
    TestSocket socket = TestSocket.ready(sockets, socketPort, register().token());
    socket.socket.writeTextMessage("{not json");
    assertThat(socket.next("error").getString("code")).isEqualTo("bad_request");
    socket.send(new JsonObject().put("type", "dance"));
    assertThat(socket.next("error").getString("message")).contains("unknown type");
    socket.send(new JsonObject().put("type", "send").put("id", "x").put("room", "1"));
    assertThat(socket.next("error").getString("message")).contains("text");
    socket.send(new JsonObject().put("type", "ping"));
    socket.next("pong");
    socket.socket.writeTextMessage("{\"type\":\"send\",\"text\":\"" + "x".repeat(70_000) + "\"}");
    assertThat(socket.awaitClose(Duration.ofSeconds(5))).isEqualTo((short) 4413);
  }

  @Test
  void logoutClosesThatSessionsSocketsWithin1Second() {
    User user = register();
    TestSocket onCore = TestSocket.ready(sockets, socketPort, user.token());
    TestSocket onEdge = TestSocket.ready(sockets, edgeSocketPort, user.token());

    long start = System.nanoTime();
    assertThat(call(HttpMethod.POST, "/auth/logout", user, null).statusCode()).isEqualTo(204);

    assertThat(onCore.awaitClose(Duration.ofSeconds(1))).isEqualTo((short) 4401);
    assertThat(onEdge.awaitClose(Duration.ofSeconds(1))).isEqualTo((short) 4401);
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
  }

  @Test
  void kickedUserStopsReceivingOnBothTransports() {
    User owner = register();
    User member = register();
    String room = room(owner, member);
    TestSocket ws = TestSocket.ready(sockets, edgeSocketPort, member.token());
    TestSocket bridge = bridge(socketPort, member.token());
    bridge.send(register("chat.room." + room));
    bridge.send(register("chat.user." + member.id()));
    // The bridge handles frames in order: once this send is answered, the registers above are in place.
    bridge.send(new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", "k0")
        .put("body", new JsonObject().put("room", room).put("text", "hello").put("clientMsgId", "k0")));
    bridge.next(f -> "k0".equals(f.getString("address")), Duration.ofSeconds(5));
    sendRest(owner, room, "k1", "before the kick");
    assertThat(ws.next(f -> "before the kick".equals(f.getString("text")), Duration.ofSeconds(5))).isNotNull();
    assertThat(bridge.next(f -> "rec".equals(f.getString("type")) && f.getString("address").equals("chat.room." + room)
        && "before the kick".equals(f.getJsonObject("body").getString("text")), Duration.ofSeconds(5))).isNotNull();

    assertThat(call(HttpMethod.DELETE, "/rooms/" + room + "/members/" + member.id(), owner, null).statusCode())
        .isEqualTo(204);
    assertThat(ws.next("member.left").getString("userId")).isEqualTo(member.id());
    sendRest(owner, room, "k2", "after the kick");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ws.next(f -> "after the kick".equals(f.getString("text")),
        Duration.ofMillis(700))).as("nothing after the kick").isInstanceOf(AssertionError.class);
    assertThat(bridge.drain().stream().filter(f -> "rec".equals(f.getString("type"))
        && f.getJsonObject("body").getString("text", "").equals("after the kick"))).isEmpty();
    ws.close();
    bridge.close();
  }

  @Test
  void bridgeAllowsOwnRoomsAndSendsAndDeniesEverythingElse() {
    User alice = register();
    User bob = register();
    User stranger = register();
    String room = room(alice, bob);
    String foreign = room(stranger, register());
    TestSocket bridge = bridge(socketPort, alice.token());

    bridge.send(register("chat.room." + foreign));
    assertThat(denial(bridge, "chat.room." + foreign).getString("message")).isEqualTo("access_denied");
    bridge.send(register("chat.user." + bob.id()));
    assertThat(denial(bridge, "chat.user." + bob.id()).getString("message")).isEqualTo("access_denied");
    bridge.send(register("parley.persistence.send"));
    assertThat(denial(bridge, "parley.persistence.send").getString("message")).isEqualTo("access_denied");
    bridge.send(new JsonObject().put("type", "send").put("address", "parley.persistence.rooms")
        .put("body", new JsonObject()).put("replyAddress", "r0"));
    assertThat(denial(bridge, "r0").getInteger("failureCode")).isEqualTo(403);
    bridge.send(new JsonObject().put("type", "publish").put("address", "chat.room." + room).put("body", "spoof"));
    assertThat(bridge.next("err").getString("message")).isEqualTo("access_denied");

    bridge.send(register("chat.room." + room));
    // Whatever a client claims in its headers, the sender is the socket's user.
    bridge.send(new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", "r1")
        .put("headers", new JsonObject().put("userId", bob.id()))
        .put("body", new JsonObject().put("room", room).put("text", "via bridge").put("clientMsgId", "b1")));
    JsonObject reply = bridge.next(f -> "r1".equals(f.getString("address")), Duration.ofSeconds(5));
    assertThat(reply.getString("type")).isEqualTo("rec");
    assertThat(reply.getJsonObject("body").getLong("seq")).isEqualTo(1L);
    JsonObject event = bridge.next(f -> ("chat.room." + room).equals(f.getString("address")), Duration.ofSeconds(5));
    assertThat(event.getJsonObject("body").getString("senderId")).isEqualTo(alice.id());
    bridge.send(new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", "r2")
        .put("body", new JsonObject().put("room", foreign).put("text", "intrude").put("clientMsgId", "b2")));
    JsonObject refused = bridge.next(f -> "r2".equals(f.getString("address")), Duration.ofSeconds(5));
    assertThat(refused.getString("type")).isEqualTo("err");
    assertThat(refused.getInteger("failureCode")).isEqualTo(404);
    bridge.close();
  }

  @Test
  void slowConsumerIsClosedWith4409WhileAFastOneKeepsReceiving() {
    User sender = register();
    User slowUser = register();
    User fastUser = register();
    String room = room(sender, slowUser, fastUser);
    TestSocket slow = TestSocket.ready(sockets, socketPort, slowUser.token());
    TestSocket fast = TestSocket.ready(sockets, socketPort, fastUser.token());
    // The slow client stops reading: its kernel buffers fill, then the server's bounded write queue.
    slow.socket.pause();
    String text = "😀".repeat(4000);
    for (int round = 0; round < 40 && slow.closeCode == null; round++) {
      List<io.vertx.core.Future<?>> batch = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        batch.add(request(HttpMethod.POST, "/rooms/" + room + "/messages", sender,
            new JsonObject().put("clientMsgId", "s" + round + "-" + i).put("text", text)));
      }
      Await.result(io.vertx.core.Future.all(batch));
      fast.drain();
      if (round > 0 && round % 5 == 0 && serverClosedSlowOne(slow)) {
        break;
      }
    }
    slow.socket.resume();
    assertThat(slow.awaitClose(Duration.ofSeconds(20))).isEqualTo((short) 4409);
    sendRest(sender, room, "after", "still flowing");
    assertThat(fast.next(f -> "still flowing".equals(f.getString("text")), Duration.ofSeconds(10))).isNotNull();
    fast.close();
  }

  // --- helpers ------------------------------------------------------------------------------------------

  /** The server closed the paused socket once the metrics count a slow-consumer close. */
  private static boolean serverClosedSlowOne(TestSocket slow) {
    String metrics = Await.result(web.get(Integer.parseInt(ENV.get("PARLEY_MANAGEMENT_PORT")), "127.0.0.1", "/metrics")
        .send()).bodyAsString();
    return metrics.lines().anyMatch(line -> line.startsWith("parley_socket_slow_consumer_closes_total")
        && !line.endsWith(" 0.0"));
  }

  private static TestSocket bridge(int port, String token) {
    // SockJS's raw WebSocket transport: one bridge JSON frame per WebSocket message.
    return TestSocket.connect(sockets, port, "/eventbus/websocket?token=" + token, null);
  }

  private static JsonObject register(String address) {
    return new JsonObject().put("type", "register").put("address", address);
  }

  private static JsonObject denial(TestSocket bridge, String address) {
    JsonObject err = bridge.next(f -> "err".equals(f.getString("type")) && address.equals(f.getString("address")),
        Duration.ofSeconds(5));
    assertThat(err.getInteger("failureCode")).isNotNull();
    return err;
  }

  private static User register() {
    String username = "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    JsonObject session = Await.result(web.post(httpPort, "127.0.0.1", "/api/v1/auth/register")
        .sendJsonObject(new JsonObject().put("username", username).put("password", "correct horse battery")))
        .bodyAsJsonObject();
    return new User(session.getJsonObject("user").getString("id"), session.getString("accessToken"),
        session.getString("refreshToken"));
  }

  private static String room(User owner, User... members) {
    JsonArray ids = new JsonArray();
    for (User member : members) {
      ids.add(member.id());
    }
    HttpResponse<Buffer> created = call(HttpMethod.POST, "/rooms", owner,
        new JsonObject().put("name", "room").put("members", ids));
    assertThat(created.statusCode()).isEqualTo(201);
    return created.bodyAsJsonObject().getString("id");
  }

  private static void sendRest(User sender, String room, String clientMsgId, String text) {
    HttpResponse<Buffer> sent = call(HttpMethod.POST, "/rooms/" + room + "/messages", sender,
        new JsonObject().put("clientMsgId", clientMsgId).put("text", text));
    assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(201);
  }

  private static HttpResponse<Buffer> call(HttpMethod method, String path, User user, JsonObject body) {
    return Await.result(request(method, path, user, body));
  }

  private static io.vertx.core.Future<HttpResponse<Buffer>> request(HttpMethod method, String path, User user,
      JsonObject body) {
    HttpRequest<Buffer> request = web.request(method, httpPort, "127.0.0.1", "/api/v1" + path);
    if (user != null) {
      request.putHeader("Authorization", "Bearer " + user.token());
    }
    return body == null ? request.send() : request.sendJsonObject(body);
  }
}
