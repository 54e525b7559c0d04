package dev.parley.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.net.SocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

  private static SocketAddress peer(String address) {
    return SocketAddress.inetSocketAddress(40_000, address);
  }

  @Test
  void anUntrustedPeerIsTheClientWhateverItClaims() {
    TrustedProxies proxies = new TrustedProxies(List.of("loopback"));
    assertThat(proxies.client(peer("203.0.113.9"), "198.51.100.1")).isEqualTo("203.0.113.9");
  }

  @Test
  void aTrustedProxyNamesTheRightMostUntrustedHop() {
    TrustedProxies proxies = new TrustedProxies(List.of("loopback", "10.0.0.0/8"));
    // The client forged the first entry; the proxies appended the real one.
    assertThat(proxies.client(peer("127.0.0.1"), "1.2.3.4, 198.51.100.7, 10.1.2.3")).isEqualTo("198.51.100.7");
    assertThat(proxies.client(peer("::1"), "2001:db8::5")).isEqualTo("2001:db8::5");
  }

  @Test
  void withoutAHeaderOrWithGarbageTheNearestKnownHopIsUsed() {
    TrustedProxies proxies = new TrustedProxies(List.of("127.0.0.1"));
    assertThat(proxies.client(peer("127.0.0.1"), null)).isEqualTo("127.0.0.1");
    assertThat(proxies.client(peer("127.0.0.1"), "198.51.100.7, not-an-ip")).isEqualTo("127.0.0.1");
    assertThat(proxies.client(peer("127.0.0.1"), "127.0.0.1")).isEqualTo("127.0.0.1");
  }

  @Test
  void anEmptyListTrustsNobody() {
    TrustedProxies proxies = new TrustedProxies(List.of());
    assertThat(proxies.client(peer("127.0.0.1"), "198.51.100.7")).isEqualTo("127.0.0.1");
  }

  @Test
  void badEntriesNameTheKey() {
    assertThatThrownBy(() -> new TrustedProxies(List.of("proxy.example")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("proxy.trusted");
    assertThatThrownBy(() -> new TrustedProxies(List.of("10.0.0.0/33")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("prefix");
  }
}
