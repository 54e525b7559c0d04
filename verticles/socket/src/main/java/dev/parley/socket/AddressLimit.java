package dev.parley.socket;

import dev.parley.common.TrustedProxies;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.shareddata.LocalMap;
import java.util.List;
import java.util.Set;

/**
 * At most {@code socket.maxConnectionsPerAddress} open sockets (WebSockets on {@code /ws} and SockJS sessions)
 * per client address, counted for the whole node: all socket verticle instances share one map. Addresses in
 * {@code socket.addressLimitExempt} are not counted; the entry {@code "loopback"} (the default) stands for every
 * loopback address, 127.0.0.0/8 and ::1 (a reverse proxy or a load generator on the same host). 0 turns the
 * limit off. Behind a trusted reverse proxy ({@code proxy.trusted}) the address is the forwarded client's.
 */
final class AddressLimit {

  private final LocalMap<String, Integer> open;
  private final int max;
  private final Set<String> exempt;
  private final boolean exemptLoopback;
  private final TrustedProxies proxies;

  AddressLimit(Vertx vertx, int max, List<String> exempt, TrustedProxies proxies) {
    this.proxies = proxies;
    this.open = vertx.sharedData().getLocalMap("parley.socket.socketsByAddress");
    this.max = max;
    this.exempt = Set.copyOf(exempt);
    this.exemptLoopback = exempt.contains("loopback");
  }

  /** A literal address (as the connection reports it: no name lookup) in 127.0.0.0/8 or ::1. */
  private static boolean loopback(String address) {
    return address.startsWith("127.") || "0:0:0:0:0:0:0:1".equals(address) || "::1".equals(address);
  }

  /**
   * Takes a place for a socket from {@code peer} (or the client it forwards for): a release action to run once
   * when the socket closes, or null when the address holds its maximum already.
   */
  Runnable take(SocketAddress peer, String forwardedFor) {
    String address = proxies.client(peer, forwardedFor);
    if (max <= 0 || address == null || exempt.contains(address) || exemptLoopback && loopback(address)) {
      return () -> { };
    }
    if (open.merge(address, 1, Integer::sum) > max) {
      release(address);
      return null;
    }
    boolean[] released = {false};
    return () -> {
      if (!released[0]) {
        released[0] = true;
        release(address);
      }
    };
  }

  private void release(String address) {
    open.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
  }
}
