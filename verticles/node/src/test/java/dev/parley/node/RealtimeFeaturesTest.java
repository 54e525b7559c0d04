package dev.parley.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestSocket;
import dev.parley.common.testing.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Typing, read markers, presence, heartbeats, rate limits and shutdown on real nodes. */
class RealtimeFeaturesTest {

  private static final Map<String, String> ENV = TestConfig.environment();
  private static Node node;
  private static Vertx client;
  private static WebClient web;
  private static WebSocketClient sockets;
  private static int httpPort;
  private static int socketPort;

  record User(String id, String token) {
  }

  @BeforeAll
  static void start() {
    ENV.put("PARLEY_SOCKET_HEARTBEATMS", "1000");
    ENV.put("PARLEY_SOCKET_MESSAGESPERSECOND", "20");
    ENV.put("PARLEY_SOCKET_MESSAGEBURST", "30");
    node = TestNodes.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}, {"verticle": "socket"}]""", ENV);
    client = Vertx.vertx();
    web = WebClient.create(client);
    sockets = TestSocket.client(client);
    httpPort = Integer.parseInt(ENV.get("PARLEY_HTTP_PORT"));
    socketPort = Integer.parseInt(ENV.get("PARLEY_SOCKET_PORT"));
  }

  @AfterAll
  static void stop() {
    Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
    Await.result(node.stop());
    Await.result(client.close());
  }

  @Test
  void typingAndReadReachTheOthersButNotTheirAuthor() {
    User alice = register();
    User bob = register();
    String room = room(alice, bob);
    TestSocket a = TestSocket.ready(sockets, socketPort, alice.token());
    TestSocket b = TestSocket.ready(sockets, socketPort, bob.token());
    a.send(new JsonObject().put("type", "send").put("id", "t1").put("room", room).put("text", "hi"));
    a.next("ack");

    a.send(new JsonObject().put("type", "typing").put("room", room));
    assertThat(b.next("typing")).isEqualTo(new JsonObject().put("type", "typing").put("room", room)
        .put("userId", alice.id()));
    b.send(new JsonObject().put("type", "read").put("room", room).put("seq", 1));
    assertThat(a.next("read")).isEqualTo(new JsonObject().put("type", "read").put("room", room)
        .put("userId", bob.id()).put("seq", 1));
    assertThat(a.quietFor("typing", Duration.ofMillis(300))).as("no echo of one's own typing").isTrue();
    a.close();
    b.close();
  }

  @Test
  void aUserWithTwoDevicesGoesOfflineOnlyWhenTheLastCloses() {
    User watcher = register();
    User walker = register();
    room(watcher, walker);
    TestSocket w = TestSocket.ready(sockets, socketPort, watcher.token());
    TestSocket phone = TestSocket.ready(sockets, socketPort, walker.token());
    assertThat(w.next(f -> "presence".equals(f.getString("type")) && walker.id().equals(f.getString("userId")),
        Duration.ofSeconds(5)).getString("status")).isEqualTo("online");
    TestSocket laptop = TestSocket.ready(sockets, socketPort, walker.token());

    phone.close();
    assertThat(w.quietFor("presence", Duration.ofMillis(500))).as("still online on the laptop").isTrue();
    laptop.close();
    JsonObject offline = w.next(f -> "presence".equals(f.getString("type")), Duration.ofSeconds(5));
    assertThat(offline.getString("status")).isEqualTo("offline");
    assertThat(offline.getLong("lastSeen")).isPositive();
    w.close();
  }

  @Test
  void aSilentClientIsClosedWith4408() throws Exception {
    // A raw client that completes the upgrade and then never writes a frame, not even a pong.
    try (java.net.Socket raw = new java.net.Socket("127.0.0.1", socketPort)) {
      raw.setSoTimeout(10_000);
      raw.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Origin: " + TestSocket.ALLOWED_ORIGIN + "\r\nAuthorization: Bearer " + register().token() + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.DataInputStream in = new java.io.DataInputStream(raw.getInputStream());
      String status = readHeaders(in);
      assertThat(status).contains("101");
      long start = System.nanoTime();
      int closeCode = -1;
      while (closeCode < 0) {
        int opcode = in.readUnsignedByte() & 0x0f;
        int length = in.readUnsignedByte() & 0x7f;
        if (length == 126) {
          length = in.readUnsignedShort();
        } else if (length == 127) {
          length = (int) in.readLong();
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (opcode == 0x8) {
          closeCode = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
      }
      assertThat(closeCode).isEqualTo(4408);
      assertThat((System.nanoTime() - start) / 1_000_000).as("after two heartbeats (1 s each)").isBetween(1500L, 5000L);
    }
  }

  private static String readHeaders(java.io.DataInputStream in) throws java.io.IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      head.append((char) in.readUnsignedByte());
    }
    return head.toString();
  }

  @Test
  void floodingFramesGetsAnErrorThenClose4429() {
    TestSocket socket = TestSocket.ready(sockets, socketPort, register().token());
    for (int i = 0; i < 60; i++) {
      socket.socket.writeTextMessage("{\"type\":\"ping\"}");
    }
    assertThat(socket.next(f -> "error".equals(f.getString("type")), Duration.ofSeconds(5)).getString("code"))
        .isEqualTo("rate_limited");
    assertThat(socket.awaitClose(Duration.ofSeconds(5))).isEqualTo((short) 4429);
  }

  @Test
  void shutdownClosesSocketsWith4503() {
    Map<String, String> edgeEnv = new HashMap<>(ENV);
    edgeEnv.put("PARLEY_MANAGEMENT_PORT", String.valueOf(TestConfig.freePort()));
    edgeEnv.put("PARLEY_SOCKET_PORT", String.valueOf(TestConfig.freePort()));
    Node edge = TestNodes.start("[{\"verticle\": \"socket\"}]", edgeEnv);
    TestSocket socket = TestSocket.ready(sockets, Integer.parseInt(edgeEnv.get("PARLEY_SOCKET_PORT")),
        register().token());

    Await.result(edge.stop());

    assertThat(socket.awaitClose(Duration.ofSeconds(10))).isEqualTo((short) 4503);
  }

  private static User register() {
    String username = "f" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    JsonObject session = Await.result(web.post(httpPort, "127.0.0.1", "/api/v1/auth/register")
        .sendJsonObject(new JsonObject().put("username", username).put("password", "correct horse battery")))
        .bodyAsJsonObject();
    return new User(session.getJsonObject("user").getString("id"), session.getString("accessToken"));
  }

  private static String room(User owner, User member) {
    return Await.result(web.post(httpPort, "127.0.0.1", "/api/v1/rooms")
        .putHeader("Authorization", "Bearer " + owner.token())
        .sendJsonObject(new JsonObject().put("name", "r").put("members", new JsonArray().add(member.id()))))
        .bodyAsJsonObject().getString("id");
  }
}
