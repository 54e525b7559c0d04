package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.TestSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-user connection cap holds under parallel opens, is released on close and heals after a crash. */
class ConnectionCapTest {

  private static SocketRig rig;

  @BeforeAll
  static void start() {
    rig = new SocketRig(Map.of("PARLEY_SOCKET_MAXCONNECTIONSPERUSER", "10"));
    rig.backend.room("1", "u1", "u2", "u3");
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  static String outcome(TestSocket socket) {
    return socket.readyOrClosed(Duration.ofSeconds(10));
  }

  private static List<TestSocket> openInParallel(String token, int count) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(count);
    try {
      List<Future<TestSocket>> opening = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        opening.add(threads.submit(() -> TestSocket.connect(rig.sockets, rig.port, "/ws", token)));
      }
      List<TestSocket> opened = new ArrayList<>();
      for (Future<TestSocket> socket : opening) {
        opened.add(socket.get());
      }
      return opened;
    } finally {
      threads.shutdown();
    }
  }

  @Test
  void thirtyParallelOpensOfOneUserGetExactlyTheCap() throws Exception {
    List<TestSocket> sockets = openInParallel(rig.token("u1"), 30);
    List<String> outcomes = sockets.stream().map(ConnectionCapTest::outcome).toList();
    assertThat(outcomes.stream().filter("ready"::equals).count()).as(outcomes.toString()).isEqualTo(10);
    assertThat(outcomes.stream().filter("4429"::equals).count()).as(outcomes.toString()).isEqualTo(20);
    sockets.forEach(TestSocket::close);
  }

  @Test
  void aClosedConnectionFreesItsPlace() {
    String token = rig.token("u2");
    List<TestSocket> sockets = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      sockets.add(TestSocket.ready(rig.sockets, rig.port, token));
    }
    TestSocket refused = TestSocket.connect(rig.sockets, rig.port, "/ws", token);
    assertThat(outcome(refused)).isEqualTo("4429");
    sockets.remove(0).close();
    // The lease goes with the close; poll until it has (the close is asynchronous), with a deadline.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String next;
    do {
      TestSocket again = TestSocket.connect(rig.sockets, rig.port, "/ws", token);
      next = outcome(again);
      if ("ready".equals(next)) {
        sockets.add(again);
      }
    } while (!"ready".equals(next) && System.nanoTime() < deadline);
    assertThat(next).isEqualTo("ready");
    sockets.forEach(TestSocket::close);
  }
}
