package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.TestSocket;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sockets whose flushes are held up to 30 ms (socket.flushDelayMs): every frame still arrives, in order. */
class FlushCoalescingTest {

  private static final int SENDS = 60;
  private static SocketRig rig;

  @BeforeAll
  static void start() {
    rig = new SocketRig(Map.of("PARLEY_SOCKET_FLUSHDELAYMS", "30", "PARLEY_SOCKET_MESSAGEBURST", "400",
        "PARLEY_SOCKET_MESSAGESPERSECOND", "400"));
    rig.backend.room("1", "u1", "u2");
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private static RawWebSocket ready(String userId) {
    RawWebSocket socket = new RawWebSocket(rig.port, "/ws?token=" + rig.token(userId, 600), TestSocket.ALLOWED_ORIGIN);
    assertThat(socket.nextText()).contains("\"ready\"");
    socket.text("{\"type\":\"resume\",\"positions\":{}}");
    assertThat(socket.nextText()).contains("\"resumed\"");
    return socket;
  }

  @Test
  void aBurstOfSendsReachesTheOtherMemberWholeAndInSeqOrderAndEveryAckComes() {
    try (RawWebSocket sender = ready("u1"); RawWebSocket reader = ready("u2")) {
      for (int i = 1; i <= SENDS; i++) {
        sender.text("{\"type\":\"send\",\"id\":\"c" + i + "\",\"room\":\"1\",\"text\":\"m" + i + "\"}");
      }
      List<Long> seqs = new ArrayList<>();
      while (seqs.size() < SENDS) {
        JsonObject frame = new JsonObject(reader.nextText());
        if ("message".equals(frame.getString("type"))) {
          seqs.add(frame.getLong("seq"));
          assertThat(frame.getString("text")).isEqualTo("m" + seqs.size());
        }
      }
      assertThat(seqs).isSorted().doesNotHaveDuplicates().hasSize(SENDS);
      List<String> acked = new ArrayList<>();
      while (acked.size() < SENDS) {
        JsonObject frame = new JsonObject(sender.nextText());
        if ("ack".equals(frame.getString("type"))) {
          acked.add(frame.getString("id"));
        }
      }
      assertThat(acked).first().isEqualTo("c1");
      assertThat(acked).last().isEqualTo("c" + SENDS);
    }
  }
}
