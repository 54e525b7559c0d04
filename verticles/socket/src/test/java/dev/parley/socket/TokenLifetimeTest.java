package dev.parley.socket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.common.testing.TestSocket;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A socket lives as long as a valid token: a fresh one before exp keeps it, none closes it with 4401. */
class TokenLifetimeTest {

  private static SocketRig rig;

  @BeforeAll
  static void start() {
    rig = new SocketRig();
    rig.backend.room("1", "u1", "u2");
  }

  @AfterAll
  static void stop() {
    rig.close();
  }

  @Test
  void aSocketWhoseTokenExpiresIsClosedWith4401() {
    TestSocket socket = TestSocket.ready(rig.sockets, rig.port, rig.token("u1", 2));
    assertThat(socket.awaitClose(Duration.ofSeconds(8))).isEqualTo((short) 4401);
  }

  @Test
  void aFreshTokenOverTheSocketKeepsItOpen() {
    TestSocket socket = TestSocket.ready(rig.sockets, rig.port, rig.token("u1", 2));
    socket.send(new JsonObject().put("type", "auth").put("token", rig.token("u1", 60)));
    JsonObject authed = socket.next("authed");
    assertThat(authed.getLong("expiresAt")).isGreaterThan(System.currentTimeMillis() + 50_000);
    // Past the first token's expiry the socket still answers.
    assertThat(socket.quietFor("never", Duration.ofSeconds(3))).isTrue();
    socket.send(new JsonObject().put("type", "ping"));
    socket.next("pong");
    assertThat(socket.closeCode).isNull();
    socket.close();
  }

  @Test
  void anotherUsersOrARevokedTokenDoesNotExtendTheSocket() {
    TestSocket socket = TestSocket.ready(rig.sockets, rig.port, rig.token("u1", 2));
    socket.send(new JsonObject().put("type", "auth").put("token", rig.token("u2", 60)));
    assertThat(socket.next("error").getString("code")).isEqualTo("unauthorized");
    rig.backend.revokedSessions.add("revoked-1");
    socket.send(new JsonObject().put("type", "auth").put("token", rig.token("u1", "revoked-1", 60)));
    assertThat(socket.next("error").getString("code")).isEqualTo("unauthorized");
    assertThat(socket.awaitClose(Duration.ofSeconds(8))).isEqualTo((short) 4401);
  }
}
