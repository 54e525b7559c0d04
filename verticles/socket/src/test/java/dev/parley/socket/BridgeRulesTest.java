package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.TestSocket;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bridge addresses and the tokens frames carry (raw SockJS WebSocket transport, the bridge's own frames). */
class BridgeRulesTest {

  private static SocketRig rig;

  @BeforeAll
  static void start() {
    rig = new SocketRig(Map.of());
    rig.backend.room("5", "u1", "u2");
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static RawWebSocket bridge(String token) {
    return new RawWebSocket(rig.port, "/eventbus/websocket?token=" + token, TestSocket.ALLOWED_ORIGIN);
  }

  private static String register(String address, String token) {
    JsonObject frame = new JsonObject().put("type", "register").put("address", address);
    if (token != null) {
      frame.put("headers", new JsonObject().put("token", token));
    }
    return frame.encode();
  }

  @Test
  void nonCanonicalRoomAddressesAreRefused() {
    try (RawWebSocket socket = bridge(rig.token("u1"))) {
      for (String address : new String[] {"chat.room.05", "chat.room.+5", "chat.room.5 "}) {
        socket.text(register(address, null));
        JsonObject err = new JsonObject(socket.nextText());
        assertThat(err.getString("type")).as(address).isEqualTo("err");
        assertThat(err.getString("message")).as(address).isEqualTo("access_denied");
      }
    }
  }

  @Test
  void typingWithTheTokenInEveryFrameReachesTheRoom() {
    String aliceToken = rig.token("u1");
    try (RawWebSocket alice = bridge(aliceToken); RawWebSocket bob = bridge(rig.token("u2"))) {
      alice.text(register("chat.room.5", aliceToken));
      bob.text(register("chat.room.5", null));
      // The register is answered by nothing; a denied ping-pong shows both registers were handled.
      alice.text("{\"type\":\"send\",\"address\":\"nowhere\"}");
      bob.text("{\"type\":\"send\",\"address\":\"nowhere\"}");
      alice.nextTextContaining("access_denied");
      bob.nextTextContaining("access_denied");
      alice.text(new JsonObject().put("type", "send").put("address", "chat.typing")
          .put("headers", new JsonObject().put("token", aliceToken)).put("body", new JsonObject().put("room", "5"))
          .encode());
      JsonObject typing = new JsonObject(bob.nextTextContaining("typing"));
      assertThat(typing.getString("address")).isEqualTo("chat.room.5");
      assertThat(typing.getJsonObject("body").getString("type")).isEqualTo("typing");
    }
  }

  @Test
  void aSendInTheSameBatchAsItsRegisterIsSeenOnTheRoom() {
    // SockJS hands over all frames of one batch (an xhr_send body) at once: the send must still wait for the
    // register before it, so its message event reaches this socket.
    String session = "/eventbus/000/b" + System.nanoTime() + "/";
    try (RawWebSocket socket = new RawWebSocket(rig.port, session + "websocket?token=" + rig.token("u1"),
        TestSocket.ALLOWED_ORIGIN)) {
      assertThat(socket.nextText()).isEqualTo("o");
      String register = new JsonObject().put("type", "register").put("address", "chat.room.5").encode();
      String send = new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", "rb")
          .put("body", new JsonObject().put("room", "5").put("text", "batched").put("clientMsgId", "batch-1"))
          .encode();
      socket.text(new io.vertx.core.json.JsonArray().add(register).add(send).encode());
      long deadline = System.nanoTime() + 10_000_000_000L;
      boolean replied = false;
      boolean seen = false;
      while (!(replied && seen) && System.nanoTime() < deadline) {
        String frame = socket.nextText();
        replied |= frame.contains("rb");
        seen |= frame.contains("batched") && frame.contains("chat.room.5");
      }
      assertThat(replied).isTrue();
      assertThat(seen).isTrue();
    }
  }

  @Test
  void chatSendKeepsReplyToAndAcksLikeTheContractSays() {
    try (RawWebSocket socket = bridge(rig.token("u1"))) {
      socket.text(new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", "r9")
          .put("body", new JsonObject().put("room", "5").put("text", "a reply").put("clientMsgId", "reply-1")
              .put("replyTo", 1)).encode());
      JsonObject reply = new JsonObject(socket.nextText());
      assertThat(reply.getString("address")).isEqualTo("r9");
      assertThat(reply.getJsonObject("body").fieldNames()).containsExactlyInAnyOrder("seq", "msgId", "ts");
      assertThat(rig.backend.messages.get("5")).anyMatch(message -> "a reply".equals(message.text())
          && Long.valueOf(1).equals(message.replyTo()));
      socket.text(new JsonObject().put("type", "send").put("address", "chat.send").put("replyAddress", "r10")
          .put("body", new JsonObject().put("room", "05").put("text", "x").put("clientMsgId", "bad-room")).encode());
      JsonObject refused = new JsonObject(socket.nextText());
      assertThat(refused.getInteger("failureCode")).isEqualTo(400);
      assertThat(new JsonObject(refused.getString("message")).getString("field")).isEqualTo("room");
    }
  }

  @Test
  void aFrameTokenOfARevokedSessionIsRefused() {
    rig.backend.revokedSessions.add("bridge-revoked");
    try (RawWebSocket socket = bridge(rig.token("u1"))) {
      socket.text(register("chat.room.5", rig.token("u1", "bridge-revoked", 600)));
      JsonObject err = new JsonObject(socket.nextText());
      assertThat(err.getString("type")).isEqualTo("err");
      assertThat(err.getInteger("failureCode")).isEqualTo(401);
    }
  }

  @Test
  void aBridgeSocketWhoseTokenExpiresIsClosedUnlessRenewed() {
    try (RawWebSocket expiring = bridge(rig.token("u1", 2)); RawWebSocket renewed = bridge(rig.token("u2", 2))) {
      renewed.text(new JsonObject().put("type", "send").put("address", "chat.auth").put("replyAddress", "r1")
          .put("headers", new JsonObject().put("token", rig.token("u2", 60))).put("body", new JsonObject()).encode());
      JsonObject reply = new JsonObject(renewed.nextText());
      assertThat(reply.getString("address")).isEqualTo("r1");
      assertThat(reply.getJsonObject("body").getLong("expiresAt")).isGreaterThan(System.currentTimeMillis() + 50_000);
      assertThat(expiring.closeCode()).isEqualTo(4401);
      renewed.text(register("chat.room.5", null));
      renewed.text("{\"type\":\"send\",\"address\":\"nowhere\"}");
      assertThat(new JsonObject(renewed.nextText()).getString("message")).isEqualTo("access_denied");
    }
  }
}
