package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.common.testing.TestSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Memory a client can hold before it is authenticated is bounded: early frames, the open queue, connections. */
class PreAuthLimitsTest {

  private static SocketRig slow;
  private static SocketRig narrow;

  @BeforeAll
  static void start() {
    slow = new SocketRig(Map.of("PARLEY_SOCKET_MAXCONCURRENTOPENS", "1", "PARLEY_SOCKET_MAXWAITINGOPENS", "2",
        "PARLEY_SOCKET_MAXEARLYFRAMES", "16"));
    slow.backend.room("1", "u1", "u2");
    narrow = new SocketRig(Map.of("PARLEY_SOCKET_MAXCONNECTIONSPERADDRESS", "3",
        "PARLEY_SOCKET_ADDRESSLIMITEXEMPT", "[]"));
    narrow.backend.room("1", "u1", "u2");
  }

  @AfterAll
  static void stop() {
    slow.close();
    narrow.close();
  }

  @Test
  void earlyBridgeFramesWhileTheSessionOpensAreBounded() {
    slow.backend.stall();
    try (RawWebSocket socket = new RawWebSocket(slow.port, "/eventbus/websocket?token=" + slow.token("u1"),
        TestSocket.ALLOWED_ORIGIN)) {
      for (int i = 0; i < 100; i++) {
        socket.text("{\"type\":\"register\",\"address\":\"chat.room.1\"}");
      }
      assertThat(socket.closeCode()).isEqualTo(1008);
    } finally {
      slow.backend.unstall();
    }
  }

  @Test
  void opensPastTheWaitQueueAreRefusedAtOnceWith4503() {
    slow.backend.stall();
    List<TestSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        sockets.add(TestSocket.connect(slow.sockets, slow.port, "/ws", slow.token("u2")));
      }
      // One opening, two waiting; the last two are refused while the first is still stuck.
      assertThat(sockets.get(3).readyOrClosed(Duration.ofSeconds(5))).isEqualTo("4503");
      assertThat(sockets.get(4).readyOrClosed(Duration.ofSeconds(5))).isEqualTo("4503");
    } finally {
      slow.backend.unstall();
    }
    for (int i = 0; i < 3; i++) {
      assertThat(sockets.get(i).readyOrClosed(Duration.ofSeconds(10))).isEqualTo("ready");
    }
    sockets.forEach(TestSocket::close);
  }

  @Test
  void connectionsPerClientAddressAreCapped() {
    List<TestSocket> sockets = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sockets.add(TestSocket.ready(narrow.sockets, narrow.port, narrow.token("u1")));
    }
    assertThatThrownBy(() -> TestSocket.ready(narrow.sockets, narrow.port, narrow.token("u2")))
        .isNotInstanceOf(AssertionError.class);
    sockets.remove(0).close();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    TestSocket again = null;
    while (again == null && System.nanoTime() < deadline) {
      try {
        again = TestSocket.ready(narrow.sockets, narrow.port, narrow.token("u2"));
      } catch (RuntimeException stillFull) {
        // the close is seen by the server a moment later
      }
    }
    assertThat(again).isNotNull();
    sockets.add(again);
    sockets.forEach(TestSocket::close);
  }
}
