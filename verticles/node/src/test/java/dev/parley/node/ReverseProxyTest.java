package dev.parley.node;

import dev.parley.common.testing.TestSocket;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestConfig;
import dev.parley.common.testing.TestDatabases;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * conf/proxy/parley.conf for real: Debian's nginx, started by scripts/proxy with that file, in front of two
 * clustered edges (one also runs persistence and rooms), on one origin. REST, the raw WebSocket and the SockJS
 * bridge (its WebSocket transport, and its XHR transport whose requests must all reach the node holding the
 * session) work through it, and both edges get traffic.
 */
class ReverseProxyTest {

  private static final Map<String, String> ENV = TestConfig.environment();
  private static final int PROXY_PORT = TestConfig.freePort();
  private static final String ORIGIN = "http://127.0.0.1:" + PROXY_PORT;
  private static Node first;
  private static Node second;
  private static Map<String, String> secondEnv;
  private static ToolProcess nginx;
  private static Path proxyDir;
  private static Vertx client;
  private static ApiClient api;
  private static WebClient web;
  private static WebSocketClient sockets;

  @BeforeAll
  static void start() {
    ToolProcess.requireOnPath("nginx");
    // The page's origin is the proxy's: the socket verticle checks it on /ws and /eventbus.
    ENV.put("PARLEY_SOCKET_ALLOWEDORIGINS", new JsonArray().add(ORIGIN).encode());
    secondEnv = new HashMap<>(ENV);
    secondEnv.put("PARLEY_MANAGEMENT_PORT", String.valueOf(TestConfig.freePort()));
    secondEnv.put("PARLEY_HTTP_PORT", String.valueOf(TestConfig.freePort()));
    secondEnv.put("PARLEY_SOCKET_PORT", String.valueOf(TestConfig.freePort()));
    ApiClient.pinCluster(ENV, secondEnv);
    first = TestNodes.start("""
        [{"verticle": "persistence"}, {"verticle": "rooms"}, {"verticle": "http"}, {"verticle": "socket"}]""", ENV);
    second = TestNodes.start("[{\"verticle\": \"http\"}, {\"verticle\": \"socket\"}]", secondEnv);
    proxyDir = TestConfig.tempDir("proxy");
    nginx = ToolProcess.start("nginx", TestConfig.repoRoot(), List.of("scripts/proxy",
        "--listen", "127.0.0.1:" + PROXY_PORT, "--edge", edge(ENV), "--edge", edge(secondEnv),
        "--dir", proxyDir.toString()));
    client = Vertx.vertx();
    nginx.awaitHttp(client, PROXY_PORT, "/health", Duration.ofSeconds(30));
    api = new ApiClient(client, PROXY_PORT);
    web = WebClient.create(client);
    sockets = TestSocket.client(client);
  }

  @AfterAll
  static void stop() {
    if (nginx != null) {
      nginx.close();
    }
    if (client != null) {
      Await.result(TestDatabases.drop(client, TestConfig.config(ENV)));
    }
    if (second != null) {
      Await.result(second.stop());
    }
    if (first != null) {
      Await.result(first.stop());
    }
    if (client != null) {
      Await.result(client.close());
    }
  }

  @Test
  void restThroughTheProxyReachesBothEdges() {
    ApiClient.User owner = api.register();
    String room = api.room(owner, "private");
    for (int i = 0; i < 6; i++) {
      api.send(owner, room, "over REST " + i);
    }
    HttpResponse<Buffer> history = api.get("/rooms/" + room + "/messages", owner);
    assertThat(history.statusCode()).as(history.bodyAsString()).isEqualTo(200);
    assertThat(history.bodyAsString()).contains("over REST 0", "over REST 5");
    assertThat(upstreamsOf("/api/v1/rooms/" + room + "/messages"))
        .containsExactlyInAnyOrder(httpUpstream(ENV), httpUpstream(secondEnv));
  }

  @Test
  void webSocketsOnBothEdgesThroughTheProxyGetEachOthersMessages() {
    ApiClient.User alice = api.register();
    ApiClient.User bob = api.register();
    String room = api.room(alice, "private", bob);
    TestSocket aliceSocket = TestSocket.connect(sockets, PROXY_PORT, "/ws?token=" + alice.token(), null, ORIGIN);
    aliceSocket.next("ready");
    TestSocket bobSocket = TestSocket.connect(sockets, PROXY_PORT, "/ws?token=" + bob.token(), null, ORIGIN);
    bobSocket.next("ready");

    aliceSocket.send(new JsonObject().put("type", "send").put("id", "w1").put("room", room).put("text", "hi bob"));
    assertThat(aliceSocket.next("ack").getString("id")).isEqualTo("w1");
    assertThat(bobSocket.next(frame -> "hi bob".equals(frame.getString("text")), Duration.ofSeconds(10))).isNotNull();
    aliceSocket.close();
    bobSocket.close();
    // least_conn put the two sockets on different edges; nginx logs a WebSocket when it closes.
    awaitUpstreams("/ws ", Set.of(socketUpstream(ENV), socketUpstream(secondEnv)));
    assertThat(accessLog()).as("the proxy logs paths, never the ?token= of a socket URL")
        .doesNotContain(alice.token(), bob.token());
  }

  @Test
  void sockJsWebSocketTransportThroughTheProxy() {
    ApiClient.User member = api.register();
    String room = api.room(member, "private");
    TestSocket bridge = TestSocket.connect(sockets, PROXY_PORT, "/eventbus/websocket?token=" + member.token(), null,
        ORIGIN);
    bridge.send(new JsonObject().put("type", "register").put("address", "chat.room." + room));
    bridge.send(new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", "k1")
        .put("body", new JsonObject().put("room", room).put("text", "over the bridge").put("clientMsgId", "k1")));
    assertThat(bridge.next(frame -> "k1".equals(frame.getString("address")), Duration.ofSeconds(10))).isNotNull();
    assertThat(bridge.next(frame -> "rec".equals(frame.getString("type"))
        && "over the bridge".equals(frame.getJsonObject("body").getString("text")), Duration.ofSeconds(10)))
        .isNotNull();
    bridge.close();
  }

  /**
   * SockJS's XHR transports use one session over several requests: without the proxy's hash on the session id,
   * half of them would land on the edge that does not hold the session. While a session's streaming receive is
   * open, another receive request is answered {@code c[2010,...]} by the node that holds it; another node would open
   * a new session instead ({@code o}).
   */
  @Test
  void sockJsXhrRequestsOfOneSessionReachOneEdge() {
    HttpClient http = client.createHttpClient();
    try {
      for (int round = 0; round < 4; round++) {
        String session = sockJsSession();
        Promise<Void> opened = Promise.promise();
        StringBuilder received = new StringBuilder();
        HttpClientResponse streaming = Await.result(http.request(HttpMethod.POST, PROXY_PORT, "127.0.0.1",
                session + "xhr_streaming")
            .compose(request -> request.putHeader("Origin", ORIGIN).send())
            .onSuccess(response -> response.handler(chunk -> {
              received.append(chunk.toString());
              // After a prelude of 'h's, the open frame: the session exists and this request is its receiver.
              if (received.toString().contains("\no\n")) {
                opened.tryComplete();
              }
            })));
        Await.result(opened.future(), Duration.ofSeconds(10));

        HttpResponse<Buffer> second = xhr(session + "xhr", null);
        assertThat(second.bodyAsString()).as("round " + round).startsWith("c[2010");
        // nginx logs a request after answering it: wait for the poll's line before counting upstreams.
        awaitLogged(session + "xhr ");
        assertThat(upstreamsOf(session)).as("round " + round).hasSize(1);
        streaming.request().connection().close();
      }
    } finally {
      http.close();
    }
  }

  /** The whole XHR flow: open, send bridge frames with xhr_send, receive the replies by polling. */
  @Test
  void sockJsXhrTransportThroughTheProxy() {
    ApiClient.User member = api.register();
    String room = api.room(member, "private");
    String session = sockJsSession();
    assertThat(xhr(session + "xhr", null).bodyAsString()).startsWith("o");
    JsonObject headers = new JsonObject().put("token", member.token());
    for (int i = 0; i < 4; i++) {
      String id = "x" + i;
      HttpResponse<Buffer> sent = xhr(session + "xhr_send", new JsonArray()
          .add(new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", id)
              .put("headers", headers)
              .put("body", new JsonObject().put("room", room).put("text", "xhr " + i).put("clientMsgId", id))
              .encode()).encode());
      assertThat(sent.statusCode()).as(sent.bodyAsString()).isEqualTo(204);
      String fragment = "\\\"address\\\":\\\"" + id + "\\\"";
      awaitXhr(session + "xhr", body -> body.contains(fragment));
    }
    assertThat(upstreamsOf(session)).hasSize(1);
  }

  // --- helpers ------------------------------------------------------------------------------------------

  private static String edge(Map<String, String> env) {
    return "127.0.0.1:" + env.get("PARLEY_HTTP_PORT") + ":" + env.get("PARLEY_SOCKET_PORT");
  }

  private static String httpUpstream(Map<String, String> env) {
    return "127.0.0.1:" + env.get("PARLEY_HTTP_PORT");
  }

  private static String socketUpstream(Map<String, String> env) {
    return "127.0.0.1:" + env.get("PARLEY_SOCKET_PORT");
  }

  private static HttpResponse<Buffer> xhr(String path, String body) {
    var request = web.request(HttpMethod.POST, PROXY_PORT, "127.0.0.1", path).putHeader("Origin", ORIGIN);
    return Await.result(body == null ? request.send() : request.putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer(body)));
  }

  private static String sockJsSession() {
    return "/eventbus/" + (100 + (int) (Math.random() * 800)) + "/" + UUID.randomUUID() + "/";
  }

  /** Polls the session (a receive request returns at once when data is waiting) until an answer matches. */
  private static HttpResponse<Buffer> awaitXhr(String path, Predicate<String> wanted) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<Buffer> poll = xhr(path, null);
      assertThat(poll.statusCode()).as(poll.bodyAsString()).isEqualTo(200);
      if (wanted.test(poll.bodyAsString())) {
        return poll;
      }
    }
    throw new AssertionError("no matching SockJS answer on " + path + " within 15 s");
  }

  /** The upstream addresses nginx used for requests whose URI starts with this prefix (scripts/proxy's log). */
  private static Set<String> upstreamsOf(String uriPrefix) {
    return accessLog().lines().filter(line -> line.contains(" " + uriPrefix))
        .map(line -> line.substring(line.indexOf("upstream=") + 9).split(" ")[0])
        .collect(Collectors.toSet());
  }

  private static String accessLog() {
    try {
      return Files.readString(proxyDir.resolve("logs/access.log"));
    } catch (IOException unreadable) {
      throw new UncheckedIOException(unreadable);
    }
  }

  private static void awaitLogged(String uri) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!accessLog().contains(" " + uri)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("nginx never logged " + uri);
      }
      Await.result(client.timer(100));
    }
  }

  private static void awaitUpstreams(String uriPrefix, Set<String> expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!upstreamsOf(uriPrefix).containsAll(expected)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("nginx sent " + uriPrefix + " to " + upstreamsOf(uriPrefix) + ", not " + expected);
      }
      Await.result(client.timer(100));
    }
  }
}
