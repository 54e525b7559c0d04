package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.TestSocket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What /ws and the bridge do with frames a good client never sends. */
class FrameRulesTest {

  private static SocketRig rig;

  @BeforeAll
  static void start() {
    rig = new SocketRig(Map.of("PARLEY_SOCKET_MAXINVALIDFRAMES", "5", "PARLEY_SOCKET_MESSAGEBURST", "400",
        "PARLEY_SOCKET_MESSAGESPERSECOND", "400"));
    rig.backend.room("1", "u1", "u2");
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  private RawWebSocket ready(String userId) {
    RawWebSocket socket = new RawWebSocket(rig.port, "/ws?token=" + rig.token(userId), TestSocket.ALLOWED_ORIGIN);
    assertThat(socket.nextText()).contains("\"ready\"");
    return socket;
  }

  private static String send(String text) {
    return "{\"type\":\"send\",\"id\":\"c1\",\"room\":\"1\",\"text\":\"" + text + "\"}";
  }

  @Test
  void aBinaryFrameIsRefusedWith1003AndNotProcessed() {
    try (RawWebSocket socket = ready("u1")) {
      socket.frame(2, send("binary").getBytes(StandardCharsets.UTF_8));
      assertThat(socket.closeCode()).isEqualTo(1003);
    }
    assertThat(rig.backend.messages.get("1")).noneMatch(message -> "binary".equals(message.text()));
  }

  @Test
  void invalidUtf8ClosesWith1007() {
    try (RawWebSocket socket = ready("u1")) {
      byte[] frame = send("bad \u00e9").getBytes(StandardCharsets.UTF_8);
      int at = new String(frame, StandardCharsets.ISO_8859_1).indexOf("bad ") + 4;
      frame[at] = (byte) 0xC3;
      frame[at + 1] = (byte) 0x28;
      socket.frame(1, frame);
      assertThat(socket.closeCode()).isEqualTo(1007);
    }
    assertThat(rig.backend.messages.get("1")).noneMatch(message -> message.text().startsWith("bad"));
  }

  @Test
  void aFrameOverTheLimitClosesWith4413() {
    try (RawWebSocket socket = ready("u1")) {
      socket.text(send("x".repeat(100 * 1024)));
      assertThat(socket.closeCode()).isEqualTo(4413);
    }
  }

  @Test
  void aHugeFrameGetsACloseFrameToo() {
    try (RawWebSocket socket = ready("u1")) {
      char[] text = new char[300 * 1024];
      Arrays.fill(text, 'y');
      socket.text(send(new String(text)));
      assertThat(socket.closeCode()).isEqualTo(4413);
    }
  }

  @Test
  void malformedBridgeFramesAreAnsweredAndLimited() {
    try (RawWebSocket socket = new RawWebSocket(rig.port, "/eventbus/websocket?token=" + rig.token("u2"),
        TestSocket.ALLOWED_ORIGIN)) {
      socket.text("{\"type\":\"register\",\"address\":\"chat.user.u2\"}");
      // Wait until the session is open (frames before that are bounded by socket.maxEarlyFrames instead).
      socket.text("{\"type\":\"send\",\"address\":\"nowhere\"}");
      socket.nextTextContaining("access_denied");
      for (int i = 0; i < 300; i++) {
        socket.text("not json " + i);
      }
      assertThat(socket.nextText()).contains("\"err\"");
      assertThat(socket.closeCode()).isEqualTo(1008);
    }
  }
}
