package dev.parley.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.common.testing.Await;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF guard: which addresses a hook may be delivered to, and that names are resolved and checked. */
class TargetGuardTest {

  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    Await.result(vertx.close());
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
      "169.254.169.254", "0.0.0.0", "0.1.2.3", "100.64.0.1", "100.127.255.254", "192.0.0.8", "192.0.2.1",
      "198.18.0.1", "198.51.100.7", "203.0.113.9", "224.0.0.1", "240.0.0.1", "255.255.255.255",
      "::1", "::", "fe80::1", "fd00::1", "fc12::1", "fec0::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
      "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "2001:db8::1"})
  void refusesLoopbackPrivateAndReservedAddresses(String literal) throws UnknownHostException {
    assertThat(TargetGuard.isPublic(InetAddress.getByName(literal))).as(literal).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "192.169.0.1",
      "2606:4700:4700::1111", "2a00:1450:4001:80e::200e", "64:ff9b::808:808"})
  void allowsPublicAddresses(String literal) throws UnknownHostException {
    assertThat(TargetGuard.isPublic(InetAddress.getByName(literal))).as(literal).isTrue();
  }

  @Test
  void resolvesNamesAndRefusesThoseThatPointInside() {
    TargetGuard guard = new TargetGuard(vertx, false);
    assertThatThrownBy(() -> Await.result(guard.resolve("localhost")))
        .isInstanceOf(TargetGuard.RefusedTarget.class).hasMessageContaining("loopback or private");
    assertThatThrownBy(() -> Await.result(guard.resolve("[::1]"))).hasMessageContaining("loopback or private");
    assertThatThrownBy(() -> Await.result(guard.resolve("169.254.169.254"))).hasMessageContaining("private");
    assertThatThrownBy(() -> Await.result(guard.resolve("no-such-host.invalid"))).hasMessageContaining("does not resolve");
  }

  @Test
  void allowPrivateTargetsLetsLoopbackThrough() {
    TargetGuard guard = new TargetGuard(vertx, true);
    assertThat(Await.result(guard.resolve("127.0.0.1")).isLoopbackAddress()).isTrue();
  }
}
