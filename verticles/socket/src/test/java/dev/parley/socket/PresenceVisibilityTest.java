package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.TestSocket;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Presence reaches only users who share a room with the subject and may see them (the blocking hook). */
class PresenceVisibilityTest {

  private static SocketRig rig;

  @BeforeAll
  static void start() {
    // "blocker" has blocked "alice": it shares a room with her, yet never sees her presence.
    rig = new SocketRig(Map.of(), (viewer, subject) ->
        Future.succeededFuture(!("blocker".equals(viewer) && "alice".equals(subject))));
    rig.backend.room("1", "alice", "bob", "blocker");
    rig.backend.room("2", "stranger");
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static boolean sawAlice(TestSocket socket, Duration window) {
    try {
      socket.next(frame -> "presence".equals(frame.getString("type")) && "alice".equals(frame.getString("userId")),
          window);
      return true;
    } catch (AssertionError none) {
      return false;
    }
  }

  @Test
  void onlyRoomMatesWhoMaySeeHerGetAlicesPresence() {
    TestSocket bob = rig.ready("bob");
    TestSocket blocker = rig.ready("blocker");
    TestSocket stranger = rig.ready("stranger");
    TestSocket alice = rig.ready("alice");
    assertThat(sawAlice(bob, Duration.ofSeconds(10))).isTrue();
    assertThat(sawAlice(blocker, Duration.ofSeconds(1))).isFalse();
    assertThat(sawAlice(stranger, Duration.ofMillis(200))).isFalse();
    alice.close();
    assertThat(sawAlice(bob, Duration.ofSeconds(10))).isTrue();
    assertThat(sawAlice(blocker, Duration.ofSeconds(1))).isFalse();
    bob.close();
    blocker.close();
    stranger.close();
  }

  @Test
  void aPresenceSnapshotLeavesOutWhoTheViewerMayNotSee() {
    try (RawWebSocket bridge = new RawWebSocket(rig.port, "/eventbus/websocket?token=" + rig.token("blocker"),
        TestSocket.ALLOWED_ORIGIN)) {
      bridge.text("{\"type\":\"register\",\"address\":\"chat.room.1\"}");
      bridge.text("{\"type\":\"send\",\"address\":\"chat.presence\",\"replyAddress\":\"p1\",\"body\":{\"room\":\"1\"}}");
      JsonObject reply = new JsonObject(bridge.nextText());
      JsonArray presence = reply.getJsonObject("body").getJsonArray("presence");
      assertThat(presence.stream().map(entry -> ((JsonObject) entry).getString("userId")))
          .contains("bob", "blocker").doesNotContain("alice");
    }
  }
}
