package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.common.testing.Await;
import dev.parley.common.testing.TestSocket;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The socket port's plain HTTP side: origins, the SockJS iframe page and its script, POSTing transports. */
class HttpEndpointsTest {

  private static SocketRig rig;
  private static HttpClient http;

  record Reply(int status, MultiMap headers, String body) {
  }

  @BeforeAll
  static void start() {
    rig = new SocketRig(Map.of("PARLEY_SOCKET_ALLOWEDORIGINS", "[\"https://chat.example\"]"));
    rig.backend.room("1", "u1");
    // One connection per request: a pooled one the server has just closed would fail the next request.
    http = rig.vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setKeepAlive(false));
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  /** One exchange on one Vert.x context (see WebClientRoutesTest: started elsewhere a body could be missed). */
  private static Reply request(HttpMethod method, String path, String origin, String body) {
    Promise<Reply> reply = Promise.promise();
    rig.vertx.runOnContext(start -> http.request(method, rig.port, "127.0.0.1", path)
        .compose(request -> {
          if (origin != null) {
            request.putHeader("Origin", origin);
          }
          return body == null ? request.send() : request.putHeader("Content-Type", "text/plain").send(body);
        })
        .compose(response -> response.body().map(bytes ->
            new Reply(response.statusCode(), response.headers(), bytes.toString())))
        .onComplete(reply));
    return Await.result(reply.future());
  }

  private static String httpOrigin() {
    return "http://127.0.0.1:" + rig.config.getJsonObject("http").getInteger("port");
  }

  @Test
  void thePagesOwnOriginIsAllowedByDefault() {
    TestSocket socket = TestSocket.connect(rig.sockets, rig.port, "/ws", rig.token("u1"), httpOrigin());
    assertThat(socket.readyOrClosed(java.time.Duration.ofSeconds(10))).isEqualTo("ready");
    socket.close();
    assertThat(request(HttpMethod.GET, "/eventbus/info", "https://chat.example", null).status()).isEqualTo(200);
  }

  @Test
  void aRefusedOriginIsToldWhichSettingToChange() {
    Reply refused = request(HttpMethod.GET, "/eventbus/info", "https://elsewhere.example", null);
    assertThat(refused.status()).isEqualTo(403);
    JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("forbidden");
    assertThat(error.getString("message")).contains("socket.allowedOrigins", "http.publicUrl");
    assertThatThrownBy(() -> TestSocket.connect(rig.sockets, rig.port, "/ws", rig.token("u1"),
        "https://elsewhere.example")).hasMessageContaining("403");
  }

  @Test
  void theIframePageLoadsTheBundledClient() {
    Reply iframe = request(HttpMethod.GET, "/eventbus/iframe.html", null, null);
    assertThat(iframe.status()).isEqualTo(200);
    assertThat(iframe.body()).contains("src=\"" + SocketVerticle.SOCKJS_CLIENT_PATH + "\"").doesNotContain("cdn");
    Reply script = request(HttpMethod.GET, SocketVerticle.SOCKJS_CLIENT_PATH, null, null);
    assertThat(script.status()).as("web/target/vendor/sockjs.min.js missing? run scripts/web-deps").isEqualTo(200);
    assertThat(script.headers().get("Content-Type")).contains("javascript");
    assertThat(script.body()).contains("SockJS");
  }

  @Test
  void xhrSendDeliversFrames() {
    String session = "/eventbus/000/s" + System.nanoTime() + "/";
    String token = rig.token("u1");
    assertThat(request(HttpMethod.POST, session + "xhr?token=" + token, httpOrigin(), null).body()).startsWith("o");
    String frame = new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", "r1")
        .put("body", new JsonObject().put("room", "1").put("text", "over xhr").put("clientMsgId", "x1")).encode();
    Reply sent = request(HttpMethod.POST, session + "xhr_send", httpOrigin(),
        new io.vertx.core.json.JsonArray().add(frame).encode());
    assertThat(sent.status()).as(sent.body()).isEqualTo(204);
    Reply polled = request(HttpMethod.POST, session + "xhr", httpOrigin(), null);
    assertThat(polled.body()).contains("r1", "seq");
    assertThat(rig.backend.messages.get("1")).anyMatch(message -> "over xhr".equals(message.text()));
  }
}
